from django.urls import path

from . import views_public as views

app_name = "legalservice_public"
urlpatterns = [
    path("", views.index, name="index"),
    path("village/<int:pk>/", views.village, name="village"),
    path("village/<int:pk>/poster/", views.poster, name="poster"),
    path("village/<int:pk>/qr.svg", views.qr, name="qr"),
    path("book/<int:slot_pk>/", views.book, name="book"),
    path("book/<int:slot_pk>/done/", views.booked, name="booked"),
    path("ask/", views.ask, name="ask"),
    path("ask/done/", views.asked, name="asked"),
    path("answer/", views.answer, name="answer"),
    path("examples/", views.examples, name="examples"),
    path("examples/<int:pk>/", views.example, name="example"),
]
