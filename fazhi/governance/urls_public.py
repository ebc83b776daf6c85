from django.urls import path

from . import views_public as views

app_name = "governance_public"
urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("items/<int:pk>/", views.Item.as_view(), name="item"),
    path("feed.atom", views.Feed.as_view(), name="feed"),
    path("apply/", views.Apply.as_view(), name="apply"),
    path("track/", views.Track.as_view(), name="track"),
    path("track/letter/", views.TrackLetter.as_view(), name="track_letter"),
    path("track/attachments/<uuid:uuid>/", views.TrackAttachment.as_view(), name="track_attachment"),
    path("annual/<int:pk>/", views.AnnualReport.as_view(), name="annual_report"),
    path("documents/", views.Documents.as_view(), name="documents"),
    path("documents/<int:pk>/", views.Document.as_view(), name="document"),
    path("decisions/<int:pk>/", views.Decision.as_view(), name="decision"),
]
