from django.urls import path

from . import views

app_name = "legalservice"
urlpatterns = [
    path("", views.advisors, name="advisors"),
    path("advisors/new/", views.advisor_new, name="advisor_new"),
    path("advisors/<int:pk>/", views.advisor_detail, name="advisor_detail"),
    path("advisors/<int:pk>/edit/", views.advisor_edit, name="advisor_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("office-hours/", views.office_hours, name="office_hours"),
    path("office-hours/rules/new/", views.office_hour_rule_new, name="office_hour_rule_new"),
    path("office-hours/new/", views.office_hour_new, name="office_hour_new"),
    path("office-hours/<int:pk>/", views.office_hour_detail, name="office_hour_detail"),
    path("office-hours/<int:pk>/transition/", views.office_hour_transition, name="office_hour_transition"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/transition/", views.consultation_transition, name="consultation_transition"),
    path("services/", views.service_records, name="services"),
    path("services/new/", views.service_new, name="service_new"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/photo/", views.service_photo, name="service_photo"),
    path("stations/", views.stations, name="stations"),
    path("stations/new/", views.station_new, name="station_new"),
    path("demonstration-villages/new/", views.demonstration_village_new, name="demonstration_village_new"),
]
