"""Pagination of list pages, the same everywhere: `settings.QINGMIAO_PAGE_SIZE` rows a page,
and page links that keep the filters."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, rows) -> tuple[Page, str]:
    """The requested page of `rows` and the query string for the page links: the request's
    filters without `page` (set by the link) and `format` (a page link never downloads)."""
    page = Paginator(rows, settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return page, query.urlencode()
