from django.urls import path

from fazhi.core.views import JobDetail, JobDownload, JobProgress

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportList.as_view(), name="list"),
    path("new/", views.ReportCreate.as_view(), name="create"),
    path("<int:pk>/", views.ReportDetail.as_view(), name="detail"),
    path("<int:pk>/sections/add/", views.SectionAdd.as_view(), name="section_add"),
    path("<int:pk>/shortcomings/<int:target_pk>/keep/", views.ShortcomingKeep.as_view(), name="shortcoming_keep"),
    path("<int:pk>/transition/<str:name>/", views.ReportTransitionPage.as_view(), name="transition"),
    path("<int:pk>/export/<str:fmt>/", views.ReportExport.as_view(), name="export"),
    path("<int:pk>/plans/add/", views.PlanCreate.as_view(), name="plan_create"),
    path("sections/<int:pk>/edit/", views.SectionEdit.as_view(), name="section_edit"),
    path("sections/<int:pk>/delete/", views.SectionDelete.as_view(), name="section_delete"),
    path("plans/", views.PlanList.as_view(), name="plan_list"),
    path("plans/<int:pk>/update/", views.PlanUpdate.as_view(), name="plan_update"),
    path("dashboard/", views.DashboardPage.as_view(), name="dashboard"),
    path("dashboard/data/", views.DashboardData.as_view(), name="dashboard_data"),
    path("jobs/start/", views.JobStart.as_view(), name="job_start"),
    # a report job's pages are the core job pages (fazhi.core.jobs), kept at their old addresses
    path("jobs/<int:pk>/", JobDetail.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", JobProgress.as_view(), name="job_progress"),
    path("jobs/<int:pk>/download/", JobDownload.as_view(), name="job_download"),
]
