from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("figures/", views.figures_view, name="figures"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/photos/", views.EventPhoto.as_view(), name="event_photo"),
    path("events/<int:pk>/do/<str:name>/", views.EventTransition.as_view(), name="event_transition"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("key-dates/", views.key_dates, name="key_dates"),
    path("key-dates/new/", views.key_date_edit, name="key_date_create"),
    path("key-dates/<int:pk>/", views.key_date_edit, name="key_date_edit"),
    path("key-dates/<int:pk>/lunar/", views.key_date_lunar, name="key_date_lunar"),
    path("leaders/", views.leader_list, name="leaders"),
    path("leaders/new/", views.leader_create, name="leader_create"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader_detail"),
    path("leaders/<int:pk>/edit/", views.leader_edit, name="leader_edit"),
    path("trainings/", views.leader_training_list, name="leader_trainings"),
    path("trainings/new/", views.leader_training_create, name="leader_training_create"),
    path("trainings/<int:pk>/", views.leader_training_detail, name="leader_training_detail"),
    path("study/", views.study_list, name="study"),
    path("study/new/", views.study_create, name="study_create"),
    path("study/<int:pk>/", views.study_detail, name="study_detail"),
    path("staff-trainings/", views.staff_training_list, name="staff_trainings"),
    path("staff-trainings/new/", views.staff_training_create, name="staff_training_create"),
    path("staff-trainings/<int:pk>/", views.staff_training_detail, name="staff_training_detail"),
]
