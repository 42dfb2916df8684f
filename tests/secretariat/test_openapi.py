"""The OpenAPI schema is valid and free of warnings (T12, first half)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/me/" in text
    assert "/api/v1/auth/token/" in text


@pytest.mark.django_db
def test_schema_endpoint_needs_no_login_but_every_api_route_does(client):
    """The schema is public (it documents, it does not serve data); the data is not."""
    assert client.get("/api/schema/").status_code == 200
