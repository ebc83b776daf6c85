from django.urls import path

from . import views_public

app_name = "enforcement_public"
urlpatterns = [
    path("", views_public.Home.as_view(), name="home"),
    path("decisions/", views_public.Decisions.as_view(), name="decisions"),
    path("decisions/<int:pk>/", views_public.DecisionDetail.as_view(), name="decision_detail"),
]
