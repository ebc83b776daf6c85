"""Public pages: the annual reports that have been published (their finalised text only)."""
from fazhi.core import ui
from fazhi.core.pages import Page

from . import selectors
from .models import ReportTemplate


class PublishedList(Page):
    public_menu = "法治政府建设年度报告"
    public_note = "已公开的年度报告"
    login_required = False
    template_name = "reports/public_list.html"

    def get(self, request):
        return self.render(ui.paginate(request, selectors.published_reports().order_by("-year", "node__path")))


class PublishedDetail(Page):
    login_required = False
    template_name = "reports/public_detail.html"
    census_model = ReportTemplate  # public: published reports only (anything else is 404)

    def get(self, request, pk):
        report = selectors.published_get(pk)
        return self.render({"report": report, "version": selectors.published_version(report)})
