"""URL roots: the public site (no login), the staff workbench under /work/, the JSON API under /api/."""
from django.contrib import admin
from django.urls import include, path

from fazhi.core import views as core_views

handler404 = "fazhi.portal.views.not_found"
handler403 = "fazhi.portal.views.forbidden"

urlpatterns = [
    path("", include("fazhi.portal.urls")),
    path("work/", include("fazhi.core.urls")),
    path("work/disputes/", include("fazhi.disputes.urls")),
    path("work/enforcement/", include("fazhi.enforcement.urls")),
    path("work/legal/", include("fazhi.legalservice.urls")),
    path("work/publicity/", include("fazhi.publicity.urls")),
    path("work/governance/", include("fazhi.governance.urls")),
    path("work/reports/", include("fazhi.reports.urls")),
    path("mediation/", include("fazhi.disputes.urls_public")),
    path("enforcement/", include("fazhi.enforcement.urls_public")),
    path("legal/", include("fazhi.legalservice.urls_public")),
    path("publicity/", include("fazhi.publicity.urls_public")),
    path("open/", include("fazhi.governance.urls_public")),
    path("reports/", include("fazhi.reports.urls_public")),
    path("api/", include("fazhi.api")),
    path("files/<uuid:uuid>/", core_views.file_download, name="file_download"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
