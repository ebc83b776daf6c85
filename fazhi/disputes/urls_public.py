from django.urls import path

from . import views_public as v

app_name = "disputes_public"
urlpatterns = [
    path("", v.ReportStep.as_view(), name="submit"),
    path("report/check/", v.ReportCheck.as_view(), name="report_check"),
    path("report/<slug:step>/", v.ReportStep.as_view(), name="report_step"),
    path("submitted/", v.Submitted.as_view(), name="submitted"),
    path("track/", v.Track.as_view(), name="track"),
    path("t/<str:token>/", v.TrackLink.as_view(), name="track_link"),
    path("rooms/", v.Rooms.as_view(), name="rooms"),
    path("rooms/<int:pk>/", v.Room.as_view(), name="room"),
]
