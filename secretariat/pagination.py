"""The API's pagination (``settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``).

Its own module because DRF imports it while building ``GenericAPIView``: it must not import
anything that imports DRF's generic views (``secretariat.api`` does, through drf-spectacular).
"""

from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination


class PortalPagination(LimitOffsetPagination):
    """Limit/offset pagination that refuses what is not a whole number in range (400)
    instead of silently falling back to the first page; the bounds keep a huge value from
    overflowing the database's LIMIT/OFFSET (a 500)."""

    max_limit = 1000
    max_offset = 2**31 - 1

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        return self._whole_number(self.limit_query_param, raw, minimum=1,
                                  maximum=self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        return self._whole_number(self.offset_query_param, raw, minimum=0,
                                  maximum=self.max_offset)

    @staticmethod
    def _whole_number(name, raw, *, minimum, maximum):
        value = int(raw) if raw.isascii() and raw.isdigit() else None
        if value is None or not minimum <= value <= maximum:
            raise exceptions.ValidationError(
                {name: [f"Send a whole number between {minimum} and {maximum}."]}
            )
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class CountWhenNeededPagination(PortalPagination):
    """The portal's pagination (strict ``limit``/``offset``), fetching the page first and
    skipping the ``COUNT`` when the page itself shows where the list ends (a non-empty page
    shorter than the limit): the common case of a filtered list, and one query less."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset[self.offset:self.offset + self.limit])
        if len(rows) < self.limit and (rows or self.offset == 0):
            self.count = self.offset + len(rows)
        else:
            self.count = self.get_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows
