"""Helpers for thin views: pagination, domain errors onto forms, period/node parameters, downloads."""
import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse

from .errors import DomainError

PAGE_SIZE = 25


class IdFirstPaginator(Paginator):
    """Pages in two steps, in one SQL statement: the page's ids are picked by an inner query that sorts only narrow
    index entries, then the outer query loads the full rows (and select_related joins) for just those ids. Sorting
    thousands of wide rows per page view was the cost at district scale."""

    def page(self, number):
        qs = self.object_list
        if not isinstance(qs, QuerySet) or not qs.query.order_by or qs.query.distinct or qs.query.annotations:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = qs.values("pk")[bottom:top]
        rows = qs.model._default_manager.filter(pk__in=ids).order_by(*qs.query.order_by)
        rows.query.select_related = qs.query.select_related
        rows._prefetch_related_lookups = qs._prefetch_related_lookups
        return self._get_page(rows, number, self)


def paginate(request, queryset, per_page=PAGE_SIZE):
    """Context for ``core/partials/pagination.html``: the page (id-first) and the query string without ``page``."""
    paginator = IdFirstPaginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page, "query_without_page": params.urlencode()}


def apply_error(form, exc: DomainError):
    """Put a service's DomainError onto a Django form (field errors where the field exists)."""
    placed = False
    for field, message in (exc.field_errors or {}).items():
        if form is not None and field in form.fields:
            form.add_error(field, message)
            placed = True
    if form is not None and (not placed or not exc.field_errors):
        form.add_error(None, exc.message)
    return form


def flash_error(request, exc: DomainError):
    messages.error(request, exc.message)


def parse_date(value, default=None):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return default


def period_from(request, default_year=None):
    """(start, end) from ?year= or ?start=&end= (dates inclusive); defaults to the current year."""
    from . import clock

    today = clock.today()
    year = request.GET.get("year")
    if year and year.isdigit() and 2000 <= int(year) <= 2100:
        return datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    start = parse_date(request.GET.get("start"))
    end = parse_date(request.GET.get("end"))
    if start and end and start <= end:
        return start, end
    y = default_year or today.year
    return datetime.date(y, 1, 1), datetime.date(y, 12, 31)


def file_response(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
