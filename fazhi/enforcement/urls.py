from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/<str:name>/", views.case_act, name="case_act"),
    path("cases/<int:pk>/steps/new/", views.step_new, name="step_new"),
    path("cases/<int:pk>/review/", views.review, name="review"),
    path("cases/<int:pk>/publish/", views.publish, name="publish"),
    path("cases/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("cases/<int:pk>/documents/<str:kind>/", views.document, name="document"),
    path("steps/<int:pk>/correct/", views.step_correct, name="step_correct"),
    path("steps/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/withdraw/", views.publication_withdraw, name="publication_withdraw"),
    path("publications/<int:pk>/revoked/", views.publication_revoked, name="publication_revoked"),
    path("supervision/", views.supervision, name="supervision"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_new, name="officer_new"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/accountability/", views.accountability_new, name="accountability_new"),
    path("powers/", views.power_list, name="power_list"),
    path("powers/new/", views.power_edit, name="power_new"),
    path("powers/<int:pk>/edit/", views.power_edit, name="power_edit"),
    path("subject/", views.subject_edit, name="subject_edit"),
]
