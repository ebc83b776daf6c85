from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.Calendar.as_view(), name="calendar"),
    path("figures/", views.Figures.as_view(), name="figures"),
    path("events/", views.EventList.as_view(), name="events"),
    path("events/new/", views.EventCreate.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", views.EventEdit.as_view(), name="event_edit"),
    path("events/<int:pk>/photos/", views.EventPhoto.as_view(), name="event_photo"),
    path("events/<int:pk>/do/<str:name>/", views.EventTransition.as_view(), name="event_transition"),
    path("campaigns/new/", views.CampaignCreate.as_view(), name="campaign_create"),
    path("sites/", views.SiteList.as_view(), name="sites"),
    path("sites/new/", views.SiteCreate.as_view(), name="site_create"),
    path("sites/<int:pk>/", views.SiteDetail.as_view(), name="site_detail"),
    path("sites/<int:pk>/edit/", views.SiteEdit.as_view(), name="site_edit"),
    path("key-dates/", views.KeyDates.as_view(), name="key_dates"),
    path("key-dates/new/", views.KeyDateEdit.as_view(), name="key_date_create"),
    path("key-dates/<int:pk>/", views.KeyDateEdit.as_view(), name="key_date_edit"),
    path("key-dates/<int:pk>/lunar/", views.KeyDateLunar.as_view(), name="key_date_lunar"),
    path("leaders/", views.LeaderList.as_view(), name="leaders"),
    path("leaders/new/", views.LeaderCreate.as_view(), name="leader_create"),
    path("leaders/<int:pk>/", views.LeaderDetail.as_view(), name="leader_detail"),
    path("leaders/<int:pk>/edit/", views.LeaderEdit.as_view(), name="leader_edit"),
    path("trainings/", views.LeaderTrainingList.as_view(), name="leader_trainings"),
    path("trainings/new/", views.LeaderTrainingCreate.as_view(), name="leader_training_create"),
    path("trainings/<int:pk>/", views.LeaderTrainingDetail.as_view(), name="leader_training_detail"),
    path("study/", views.StudyList.as_view(), name="study"),
    path("study/new/", views.StudyCreate.as_view(), name="study_create"),
    path("study/<int:pk>/", views.StudyDetail.as_view(), name="study_detail"),
    path("staff-trainings/", views.StaffTrainingList.as_view(), name="staff_trainings"),
    path("staff-trainings/new/", views.StaffTrainingCreate.as_view(), name="staff_training_create"),
    path("staff-trainings/<int:pk>/", views.StaffTrainingDetail.as_view(), name="staff_training_detail"),
]
