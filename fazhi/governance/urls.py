from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("items/", views.items, name="items"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/attach/", views.item_attach, name="item_attach"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("requests/", views.requests_, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/act/<str:name>/", views.request_act, name="request_act"),
    path("requests/<int:pk>/letter.docx", views.request_letter, name="request_letter"),
    path("documents/", views.documents_, name="documents"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/act/<str:name>/", views.document_act, name="document_act"),
    path("comments/", views.comments, name="comments"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/act/<str:name>/", views.decision_act, name="decision_act"),
    path("decisions/<int:pk>/comment/", views.decision_comment_open, name="decision_comment_open"),
    path("decisions/<int:pk>/steps/<str:kind>/", views.decision_step, name="decision_step"),
    path("decisions/<int:pk>/hearing/", views.decision_hearing, name="decision_hearing"),
    path("decisions/<int:pk>/bundle.zip", views.decision_bundle, name="decision_bundle"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendee/", views.meeting_attendee, name="meeting_attendee"),
    path("meetings/<int:pk>/item/", views.meeting_item, name="meeting_item"),
    path("meetings/<int:pk>/items/<int:item_id>/decide/", views.agenda_decide, name="agenda_decide"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
]
