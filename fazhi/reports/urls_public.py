from django.urls import path

from . import views_public

app_name = "reports_public"
urlpatterns = [
    path("", views_public.PublishedList.as_view(), name="list"),
    path("<int:pk>/", views_public.PublishedDetail.as_view(), name="detail"),
]
