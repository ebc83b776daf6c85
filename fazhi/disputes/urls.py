from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/transition/", views.dispute_transition, name="transition"),
    path("<int:pk>/parties/", views.party_add, name="party_add"),
    path("<int:pk>/edit/", views.dispute_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/documents/<str:kind>/", views.dispute_document, name="document"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("state-times/", views.state_times, name="state_times"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/ack/", views.transfer_ack, name="transfer_ack"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/new/", views.room_edit, name="room_new"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("mediators/", views.mediators, name="mediators"),
    path("mediators/new/", views.mediator_edit, name="mediator_new"),
    path("mediators/<int:pk>/edit/", views.mediator_edit, name="mediator_edit"),
    path("risk-words/", views.risk_words, name="risk_words"),
]
