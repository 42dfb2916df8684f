import pytest


@pytest.mark.django_db
def test_home_page_renders_for_the_public(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"ASEAN Customs Secretariat Portal" in response.content
