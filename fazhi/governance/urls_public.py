from django.urls import path

from . import views_public as views

app_name = "governance_public"
urlpatterns = [
    path("", views.index, name="index"),
    path("items/<int:pk>/", views.item, name="item"),
    path("feed.atom", views.feed, name="feed"),
    path("apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
]
