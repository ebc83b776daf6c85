"""Public pages: the annual reports that have been published (their finalised text only)."""
from django.http import Http404
from django.shortcuts import render

from fazhi.core import ui

from . import selectors


def published_list(request):
    return render(request, "reports/public_list.html",
                  ui.paginate(request, selectors.published_reports().order_by("-year", "node__path")))


def published_detail(request, pk):
    report = selectors.published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404("记录不存在。")
    return render(request, "reports/public_detail.html",
                  {"report": report, "version": selectors.published_version(report)})
