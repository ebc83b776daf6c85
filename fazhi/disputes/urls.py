from django.urls import path

from . import views as v

app_name = "disputes"
urlpatterns = [
    path("", v.DisputeList.as_view(), name="list"),
    path("new/", v.DisputeNew.as_view(), name="new"),
    path("<int:pk>/", v.DisputeDetail.as_view(), name="detail"),
    path("<int:pk>/transition/", v.DisputeTransition.as_view(), name="transition"),
    path("<int:pk>/parties/", v.PartyAdd.as_view(), name="party_add"),
    path("<int:pk>/parties/<int:party_pk>/", v.PartyChange.as_view(), name="party_change"),
    path("<int:pk>/links/", v.LinkAdd.as_view(), name="link_add"),
    path("<int:pk>/advisors/", v.AdvisorJoin.as_view(), name="advisor_join"),
    path("<int:pk>/edit/", v.DisputeEdit.as_view(), name="edit"),
    path("<int:pk>/attachments/", v.AttachmentAdd.as_view(), name="attachment_add"),
    path("<int:pk>/documents/<str:kind>/", v.DisputeDocument.as_view(), name="document"),
    path("deadlines/", v.Deadlines.as_view(), name="deadlines"),
    path("state-times/", v.StateTimes.as_view(), name="state_times"),
    path("transfers/", v.Transfers.as_view(), name="transfers"),
    path("transfers/<int:pk>/ack/", v.TransferAck.as_view(), name="transfer_ack"),
    path("rooms/", v.Rooms.as_view(), name="rooms"),
    path("rooms/new/", v.RoomEdit.as_view(), name="room_new"),
    path("rooms/<int:pk>/", v.RoomDetail.as_view(), name="room_detail"),
    path("rooms/<int:pk>/edit/", v.RoomEdit.as_view(), name="room_edit"),
    path("mediators/", v.Mediators.as_view(), name="mediators"),
    path("mediators/new/", v.MediatorEdit.as_view(), name="mediator_new"),
    path("mediators/<int:pk>/edit/", v.MediatorEdit.as_view(), name="mediator_edit"),
    path("triage/", v.TriagePage.as_view(), name="triage"),
    path("risk-words/", v.RiskWords.as_view(), name="risk_words"),
]
