from django.urls import path

from . import views

app_name = "legalservice"
urlpatterns = [
    path("", views.AdvisorList.as_view(), name="advisors"),
    path("advisors/new/", views.AdvisorNew.as_view(), name="advisor_new"),
    path("advisors/<int:pk>/", views.AdvisorDetail.as_view(), name="advisor_detail"),
    path("advisors/<int:pk>/edit/", views.AdvisorEdit.as_view(), name="advisor_edit"),
    path("coverage/", views.Coverage.as_view(), name="coverage"),
    path("office-hours/", views.OfficeHourList.as_view(), name="office_hours"),
    path("office-hours/rules/new/", views.OfficeHourRuleNew.as_view(), name="office_hour_rule_new"),
    path("office-hours/new/", views.OfficeHourNew.as_view(), name="office_hour_new"),
    path("office-hours/<int:pk>/", views.OfficeHourDetail.as_view(), name="office_hour_detail"),
    path("office-hours/<int:pk>/transition/", views.OfficeHourTransition.as_view(), name="office_hour_transition"),
    path("bookings/", views.BookingList.as_view(), name="bookings"),
    path("bookings/<int:pk>/cancel/", views.BookingCancel.as_view(), name="booking_cancel"),
    path("consultations/", views.ConsultationList.as_view(), name="consultations"),
    path("consultations/<int:pk>/", views.ConsultationDetail.as_view(), name="consultation_detail"),
    path("consultations/<int:pk>/transition/", views.ConsultationTransition.as_view(), name="consultation_transition"),
    path("services/", views.ServiceRecordList.as_view(), name="services"),
    path("services/new/", views.ServiceNew.as_view(), name="service_new"),
    path("services/<int:pk>/", views.ServiceDetail.as_view(), name="service_detail"),
    path("services/<int:pk>/edit/", views.ServiceEdit.as_view(), name="service_edit"),
    path("services/<int:pk>/photo/", views.ServicePhoto.as_view(), name="service_photo"),
    path("stations/", views.Stations.as_view(), name="stations"),
    path("stations/new/", views.StationNew.as_view(), name="station_new"),
    path("demonstration-villages/", views.DemonstrationVillages.as_view(), name="demonstration_villages"),
    path("demonstration-villages/new/", views.DemonstrationVillageNew.as_view(), name="demonstration_village_new"),
]
