from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("items/", views.Items.as_view(), name="items"),
    path("items/new/", views.ItemCreate.as_view(), name="item_create"),
    path("items/<int:pk>/", views.ItemDetail.as_view(), name="item_detail"),
    path("items/<int:pk>/attach/", views.ItemAttach.as_view(), name="item_attach"),
    path("items/<int:pk>/withdraw/", views.ItemWithdraw.as_view(), name="item_withdraw"),
    path("requests/", views.Requests.as_view(), name="requests"),
    path("requests/new/", views.RequestCreate.as_view(), name="request_create"),
    path("requests/<int:pk>/", views.RequestDetail.as_view(), name="request_detail"),
    path("requests/<int:pk>/act/<str:name>/", views.RequestAct.as_view(), name="request_act"),
    path("requests/<int:pk>/letter.docx", views.RequestLetter.as_view(), name="request_letter"),
    path("documents/", views.Documents.as_view(), name="documents"),
    path("documents/new/", views.DocumentCreate.as_view(), name="document_create"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document_detail"),
    path("documents/<int:pk>/act/<str:name>/", views.DocumentAct.as_view(), name="document_act"),
    path("comments/", views.Comments.as_view(), name="comments"),
    path("comments/<int:pk>/moderate/", views.CommentModerate.as_view(), name="comment_moderate"),
    path("decisions/", views.Decisions.as_view(), name="decisions"),
    path("decisions/new/", views.DecisionCreate.as_view(), name="decision_create"),
    path("decisions/<int:pk>/", views.DecisionDetail.as_view(), name="decision_detail"),
    path("decisions/<int:pk>/act/<str:name>/", views.DecisionAct.as_view(), name="decision_act"),
    path("decisions/<int:pk>/comment/", views.DecisionCommentOpen.as_view(), name="decision_comment_open"),
    path("decisions/<int:pk>/steps/<str:kind>/", views.DecisionStep.as_view(), name="decision_step"),
    path("decisions/<int:pk>/hearing/", views.DecisionHearing.as_view(), name="decision_hearing"),
    path("decisions/<int:pk>/bundle.zip", views.DecisionBundle.as_view(), name="decision_bundle"),
    path("meetings/", views.Meetings.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/attendee/", views.MeetingAttendee.as_view(), name="meeting_attendee"),
    path("meetings/<int:pk>/item/", views.MeetingItem.as_view(), name="meeting_item"),
    path("meetings/<int:pk>/items/<int:item_id>/decide/", views.AgendaDecide.as_view(), name="agenda_decide"),
    path("meetings/<int:pk>/minutes/", views.MeetingMinutes.as_view(), name="meeting_minutes"),
]
