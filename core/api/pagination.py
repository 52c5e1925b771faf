from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Same page size as the HTML lists; `page_size` up to 200."""

    page_size = settings.QINGMIAO_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
