import logging

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from secretariat.access import profile_of, role_of
from secretariat.security_log import log_event
from secretariat.throttles import PortalScopedRateThrottle

# Filled in by apps above the core (consultations adds the calendar feed URL).
ME_EXTRAS: list = []


class AffiliationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["administration", "partner"])
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=["secretariat", "chair", "delegate", "partner"])
    affiliation = AffiliationSerializer(allow_null=True)
    time_zone = serializers.CharField()
    calendar_url = serializers.URLField(allow_null=True)
    # Issue 11: the chair terms the caller's administration holds now (computed, not a role).
    chairs = serializers.ListField(child=serializers.DictField(), required=False)


def _affiliation(profile) -> dict | None:
    if profile is None:
        return None
    if profile.administration_id:
        adm = profile.administration
        return {"kind": "administration", "id": adm.pk, "code": adm.code, "name": adm.name}
    if profile.partner_id:
        partner = profile.partner
        return {"kind": "partner", "id": partner.pk, "code": partner.slug, "name": partner.name}
    return None


class MeView(APIView):
    """Who the caller is: role, affiliation and personal links."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        profile = profile_of(user)
        data = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
            "role": role_of(user),
            "affiliation": _affiliation(profile),
            "time_zone": profile.effective_time_zone if profile else "UTC",
            "calendar_url": None,
            "chairs": [],
        }
        for extra in ME_EXTRAS:
            data.update(extra(request))
        return Response(MeSerializer(data).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False,
                                     style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=32, required=False,
        help_text="The current code of the authenticator app (or a recovery code), for "
                  "accounts with a second factor.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                 help_text="What the token is for; shown on the profile page.")

    def validate(self, attrs):
        from django.contrib.auth import authenticate
        from django_otp import devices_for_user

        from secretariat.access import must_use_second_factor

        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the credentials provided."]},
                code="authorization")
        devices = list(devices_for_user(user, confirmed=True))
        if not devices and must_use_second_factor(user):
            raise serializers.ValidationError({"otp": [
                "This account must set up a second factor first: log in in the browser."]})
        if devices:
            code = "".join(attrs.get("otp", "").split())
            if not code:
                raise serializers.ValidationError({"otp": [
                    "This account uses a second factor: send the current code as otp."]})
            if not any(device.verify_token(code) for device in devices):
                log_event("mfa_failed", request, username=user.get_username(),
                          level=logging.WARNING)
                raise serializers.ValidationError({"otp": ["The code is not valid."]})
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange username and password (and the second factor's code, where the account has
    one) for an API token that expires. Throttled, and locked out by axes after repeated
    failures like the login page. Each call makes a new token (one per device)."""

    # The credentials are in the body: a stale token or session must not turn the exchange
    # into a 401, and the schema must not claim that the endpoint needs one.
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    throttle_classes = [PortalScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request, *args, **kwargs):
        from secretariat.tokens import token_create

        # Axes tracks failures on Django's HttpRequest; DRF's wrapper hides the attributes
        # axes sets, so the failures would never add up to a lockout.
        serializer = TokenRequestSerializer(data=request.data,
                                            context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, text = token_create(user=user, name=serializer.validated_data.get("name", ""))
        log_event("api_token_created", request._request, username=user.get_username())
        return Response(TokenSerializer({"token": text, "expiry": token.expiry}).data)


def portal_exception_handler(exc, context):
    """DRF's handler, plus a security log line for refusals and throttling (T21)."""
    request = context.get("request")
    if isinstance(exc, exceptions.Throttled):
        log_event("throttled", request, level=logging.WARNING, path=request.path)
    elif isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated):
        log_event("access_denied", request, level=logging.WARNING, path=request.path)
    return exception_handler(exc, context)


# --- Preconditions shared by the apps' APIs --------------------------------------------------


def if_match_version(header: str, current: int) -> int | None:
    """The version an ``If-Match`` header expects of a row now at ``current``; None when the
    header is malformed (every ETag of the portal is ``"<version>"``).

    RFC 9110 13.1.1: ``*`` matches any current representation, and a list matches when one
    of its tags does; a list that names only other versions expects one of them (stale: 412).
    """
    values = [v.strip() for v in header.split(",") if v.strip()]
    if values == ["*"]:
        return current
    versions = []
    for value in values:
        value = value.removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) >= 10:
            return None
        versions.append(int(value))
    if not versions:
        return None
    return current if current in versions else versions[0]


# --- Filters shared by the apps' APIs ---------------------------------------------------------


# Filters take whole numbers within what the database column holds: ``year=0.5`` or
# ``meeting=99999999999`` is a 400, not a query the database refuses with a 500.
DB_INT_MAX = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """A calendar year (``lookup_expr="year"`` on a date field)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": DB_INT_MAX})
class IdFilter(django_filters.NumberFilter):
    """The id of a related row."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=DB_INT_MAX, **kwargs)


class _ChoicesField(forms.MultipleChoiceField):
    """Several choices; an empty value (``status=``, what an empty list serialises to) is no
    choice, not an invalid one."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [v for v in value if v != ""]
        return super().clean(value)


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """``status=a&status=b``: rows with any of them; ``status=`` is no filter."""

    field_class = _ChoicesField


class _TrueFalseField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "no filter"."""

    ACCEPTED = {"true", "false", "1", "0"}
    # NullBooleanSelect would turn an unknown value into None before the field sees it.
    widget = forms.TextInput

    def to_python(self, value):
        if value not in (None, "") and str(value).lower() not in self.ACCEPTED:
            raise forms.ValidationError("Send true or false.", code="invalid")
        return super().to_python(value)


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's ``BooleanFilter`` reads ``upcoming=maybe`` as "no filter" and answers
    with everything; this one answers 400."""

    field_class = _TrueFalseField
