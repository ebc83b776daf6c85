from django.urls import path

from . import views

app_name = "publicity_public"
urlpatterns = [
    path("", views.PublicEvents.as_view(), name="events"),
]
