"""Pagination of the big scoped lists in two steps, in one SQL statement: the page's ids are picked by an inner
query that sorts only narrow index entries (node, -received_on, -id), then the outer query loads the full rows (and
select_related joins) for just those ids. Sorting 10k wide rows per page view was the cost at district scale."""
from django.core.paginator import Paginator
from django.db.models import QuerySet

from fazhi.core.ui import PAGE_SIZE


class IdFirstPaginator(Paginator):
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
        return self._get_page(rows, number, self)


def paginate(request, queryset, per_page=PAGE_SIZE):
    """As fazhi.core.ui.paginate, with the id-first page query."""
    paginator = IdFirstPaginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page, "query_without_page": params.urlencode()}
