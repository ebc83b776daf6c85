from django.urls import path

from . import views_public as views

app_name = "legalservice_public"
urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("village/<int:pk>/", views.Village.as_view(), name="village"),
    path("village/<int:pk>/poster/", views.Poster.as_view(), name="poster"),
    path("village/<int:pk>/qr.svg", views.Qr.as_view(), name="qr"),
    path("book/<int:slot_pk>/", views.Book.as_view(), name="book"),
    path("book/<int:slot_pk>/done/", views.Booked.as_view(), name="booked"),
    path("ask/", views.Ask.as_view(), name="ask"),
    path("ask/done/", views.Asked.as_view(), name="asked"),
    path("answer/", views.Answer.as_view(), name="answer"),
    path("examples/", views.Examples.as_view(), name="examples"),
    path("examples/<int:pk>/", views.Example.as_view(), name="example"),
]
