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
