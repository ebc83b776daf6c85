from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.CaseList.as_view(), name="case_list"),
    path("cases/new/", views.CaseNew.as_view(), name="case_new"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:pk>/act/<str:name>/", views.CaseAct.as_view(), name="case_act"),
    path("cases/<int:pk>/steps/new/", views.StepNew.as_view(), name="step_new"),
    path("cases/<int:pk>/review/", views.Review.as_view(), name="review"),
    path("cases/<int:pk>/publish/", views.Publish.as_view(), name="publish"),
    path("cases/<int:pk>/evaluate/", views.Evaluate.as_view(), name="evaluate"),
    path("cases/<int:pk>/documents/<str:kind>/", views.Document.as_view(), name="document"),
    path("steps/<int:pk>/correct/", views.StepCorrect.as_view(), name="step_correct"),
    path("steps/<int:pk>/evidence/", views.EvidenceUpload.as_view(), name="evidence_upload"),
    path("deadlines/", views.Deadlines.as_view(), name="deadlines"),
    path("reviews/", views.ReviewQueue.as_view(), name="review_queue"),
    path("reviews/records/", views.ReviewRecords.as_view(), name="review_records"),
    path("steps/av/", views.AvSteps.as_view(), name="av_steps"),
    path("reviewers/new/", views.ReviewerNew.as_view(), name="reviewer_new"),
    path("publications/", views.Publications.as_view(), name="publications"),
    path("publications/<int:pk>/withdraw/", views.PublicationWithdraw.as_view(), name="publication_withdraw"),
    path("publications/<int:pk>/revoked/", views.PublicationRevoked.as_view(), name="publication_revoked"),
    path("supervision/", views.Supervision.as_view(), name="supervision"),
    path("officers/", views.OfficerList.as_view(), name="officer_list"),
    path("officers/new/", views.OfficerNew.as_view(), name="officer_new"),
    path("officers/<int:pk>/", views.OfficerDetail.as_view(), name="officer_detail"),
    path("officers/<int:pk>/accountability/", views.AccountabilityNew.as_view(), name="accountability_new"),
    path("powers/", views.PowerList.as_view(), name="power_list"),
    path("powers/new/", views.PowerEdit.as_view(), name="power_new"),
    path("powers/<int:pk>/edit/", views.PowerEdit.as_view(), name="power_edit"),
    path("subject/", views.SubjectEdit.as_view(), name="subject_edit"),
]
