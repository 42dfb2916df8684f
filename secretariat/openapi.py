"""The API's schema class (``settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

Its own module because ``extend_schema`` loads the schema class while the views that use it are
being defined (``secretariat.api`` among them).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# A 400 is either field errors ({"field": ["message"]}) or a list of messages.
VALIDATION_ERROR_SCHEMA = {
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ]
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error statuses DRF really sends, so clients (and the
    T12 fuzzing) see every status an operation can answer with: 400 where there is input to
    validate (a body, filters, pagination), 401/403 where there is authentication, 404 on a
    path with parameters, 429 where a throttle applies. Operations document anything more
    specific (412, 428...) with ``extend_schema``."""

    def _get_filter_parameters(self):
        # django-filter reads an empty value as "no filter" (what an HTML filter form sends).
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = []
        if (
            self.method in ("POST", "PUT", "PATCH")
            or getattr(self.view, "filter_backends", None)
            or self._get_paginator()
        ):
            errors.append(("400", VALIDATION_ERROR_SCHEMA, "Invalid input."))
        if self.view.get_authenticators():
            errors.append(("401", ErrorDetailSerializer, "Missing or invalid credentials."))
            errors.append(("403", ErrorDetailSerializer, "Not allowed for the caller's role."))
        if "{" in self.path:
            errors.append(("404", ErrorDetailSerializer, "Not found, or not visible to you."))
        if self.view.get_throttles():
            errors.append(("429", ErrorDetailSerializer, "Too many requests; retry later."))
        for code, schema, description in errors:
            if code not in responses:
                response = self._get_response_for_code(schema, code, direction=direction)
                responses[code] = {**response, "description": description}
        return responses


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <token>`` (knox tokens that expire; issue 10)."""

    target_class = "secretariat.tokens.PortalTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token")  # noqa: S106  (the scheme name)
