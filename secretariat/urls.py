"""The portal's URL map: the only module (with settings) that knows every app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from secretariat import api, security_views, views

admin.site.site_header = "ASEAN Customs Portal — Secretariat"
admin.site.site_title = "ASEAN Customs Portal admin"
handler403 = "secretariat.views.permission_denied"
# JSON under /api/, the portal's pages elsewhere (issue 10).
handler400 = "secretariat.views.bad_request"
handler404 = "secretariat.views.page_not_found"
handler500 = "secretariat.views.server_error"

# Swagger UI sets inline styles as it renders; this page alone may, scripts stay 'self'.
api_docs = csp_override(
    {**settings.SECURE_CSP, "style-src": [*settings.SECURE_CSP["style-src"], "'unsafe-inline'"]}
)(SpectacularSwaggerSplitView.as_view(url_name="schema"))

api_v1 = [
    path("me/", api.MeView.as_view(), name="me"),
    path("auth/token/", api.TokenView.as_view(), name="token"),
]
urlpatterns = [
    path("", views.home_page, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz-live"),
    path("metrics", views.metrics, name="metrics"),  # issue 15: Prometheus, token/network only
    path("search/", views.search_page, name="search"),
    path("accounts/profile/", views.profile_page, name="profile"),
    # --- Second factor and API tokens (issue 10) ---
    path("accounts/two-factor/setup/", security_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", security_views.two_factor_verify,
         name="two_factor_verify"),
    path("accounts/two-factor/recovery-codes/", security_views.recovery_codes_new,
         name="two_factor_recovery"),
    path("accounts/two-factor/remove/", security_views.two_factor_remove,
         name="two_factor_remove"),
    path("accounts/tokens/revoke/", security_views.token_revoke, name="token_revoke"),
    path("accounts/logout-everywhere/", security_views.logout_everywhere,
         name="logout_everywhere"),
    path("accounts/password_reset/", security_views.ThrottledPasswordResetView.as_view(),
         name="password_reset"),
    # --- end issue 10 ---
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
]

# Each app owns its top-level paths (meetings/, documents/, bodies/, plan/, consultations/...).
for app in ("workgroups", "workgroups.reporting", "workgroups.enforcement", "meetings",
            "meetings.bilaterals", "meetings.records", "consultations"):
    urlpatterns.append(path("", include(f"{app}.urls")))
    api_v1.append(path("", include(f"{app}.api_urls")))

urlpatterns.append(path("api/v1/", include((api_v1, "api"), namespace="api")))
