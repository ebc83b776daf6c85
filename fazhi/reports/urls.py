from django.urls import path

from fazhi.core.views import JobDetail, JobDownload, JobProgress

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("<int:pk>/shortcomings/<int:target_pk>/keep/", views.shortcoming_keep, name="shortcoming_keep"),
    path("<int:pk>/transition/<str:name>/", views.report_transition, name="transition"),
    path("<int:pk>/export/<str:fmt>/", views.report_export, name="export"),
    path("<int:pk>/plans/add/", views.plan_create, name="plan_create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/update/", views.plan_update, name="plan_update"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
    path("jobs/start/", views.job_start, name="job_start"),
    # a report job's pages are the core job pages (fazhi.core.jobs), kept at their old addresses
    path("jobs/<int:pk>/", JobDetail.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", JobProgress.as_view(), name="job_progress"),
    path("jobs/<int:pk>/download/", JobDownload.as_view(), name="job_download"),
]
