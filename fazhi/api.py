"""The JSON API root: OpenAPI 3 schema at /api/schema/, browsable docs at /api/docs/ (both for signed-in staff
only: SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]; the docs page loads its script separately, no inline script, so
the Content-Security-Policy holds), one include per domain."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("core/", include("fazhi.core.api")),
    path("disputes/", include("fazhi.disputes.api")),
    path("enforcement/", include("fazhi.enforcement.api")),
    path("legal/", include("fazhi.legalservice.api")),
    path("publicity/", include("fazhi.publicity.api")),
    path("governance/", include("fazhi.governance.api")),
    path("", include("fazhi.reports.api")),
]
