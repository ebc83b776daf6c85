from django.urls import path

from . import views, views_admin, views_personal

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/users/<int:pk>/password/", views.password_reset_by_admin, name="password_reset"),
    path("account/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("account/2fa/verify/", views.otp_verify, name="otp_verify"),
    path("core/personal/reveal/", views_personal.PersonalReveal.as_view(), name="personal_reveal"),
    path("core/org/", views.org_tree, name="org_tree"),
    path("core/org/<int:pk>/", views.node_detail, name="node_detail"),
    path("core/calendar/", views.calendar_view, name="calendar"),
    path("core/calendar/override/", views.calendar_override, name="calendar_override"),
    path("core/calendar/override/delete/", views.calendar_override_delete, name="calendar_override_delete"),
    path("core/calendar/year/", views.calendar_year, name="calendar_year"),
    path("core/deadlines/", views.deadline_rules, name="deadline_rules"),
    path("core/deadlines/<int:pk>/", views.deadline_rule_edit, name="deadline_rule_edit"),
    path("core/org/<int:pk>/edit/", views_admin.NodeEdit.as_view(), name="node_edit"),
    path("core/units/", views_admin.Units.as_view(), name="units"),
    path("core/units/new/", views_admin.UnitNew.as_view(), name="unit_new"),
    path("core/units/<int:pk>/toggle/", views_admin.UnitToggle.as_view(), name="unit_toggle"),
    path("core/accounts/", views_admin.Accounts.as_view(), name="accounts"),
    path("core/accounts/new/", views_admin.AccountNew.as_view(), name="account_new"),
    path("core/accounts/<int:pk>/", views_admin.AccountDetail.as_view(), name="account_detail"),
    path("core/accounts/<int:pk>/active/", views_admin.AccountActive.as_view(), name="account_active"),
    path("core/memberships/<int:pk>/revoke/", views_admin.MembershipRevoke.as_view(), name="membership_revoke"),
    path("core/onboarding/", views_admin.Onboarding.as_view(), name="onboarding"),
    path("core/audit/", views.audit_log, name="audit_log"),
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/<str:key>/export/", views.ledger_export, name="ledger_export"),
    path("ledgers/<str:key>/template/", views.ledger_template, name="ledger_template"),
    path("ledgers/<str:key>/import/", views.ledger_import, name="ledger_import"),
    path("jobs/<int:pk>/", views.JobDetail.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", views.JobProgress.as_view(), name="job_progress"),
    path("jobs/<int:pk>/download/", views.JobDownload.as_view(), name="job_download"),
]
