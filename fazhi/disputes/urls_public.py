from django.urls import path

from . import views_public

app_name = "disputes_public"
urlpatterns = [
    path("", views_public.submit, name="submit"),
    path("submitted/", views_public.submitted, name="submitted"),
    path("track/", views_public.track, name="track"),
    path("rooms/", views_public.rooms, name="rooms"),
    path("rooms/<int:pk>/", views_public.room, name="room"),
]
