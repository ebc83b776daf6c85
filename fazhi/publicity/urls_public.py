from django.urls import path

from . import views

app_name = "publicity_public"
urlpatterns = [
    path("", views.public_events, name="events"),
]
