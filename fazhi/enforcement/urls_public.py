from django.urls import path

from . import views_public

app_name = "enforcement_public"
urlpatterns = [
    path("", views_public.home, name="home"),
    path("decisions/", views_public.decisions, name="decisions"),
    path("decisions/<int:pk>/", views_public.decision_detail, name="decision_detail"),
]
