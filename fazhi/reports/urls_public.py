from django.urls import path

from . import views_public

app_name = "reports_public"
urlpatterns = [
    path("", views_public.published_list, name="list"),
    path("<int:pk>/", views_public.published_detail, name="detail"),
]
