"""The record API: ETag/If-Match on PATCH, filters, field errors."""

import pytest

from meetings.records.models import ActionItem


@pytest.mark.django_db
def test_patch_needs_the_current_etag(secretariat, built, client_for):
    client = client_for(secretariat)
    url = f"/api/v1/action-items/{built.actions['2'].pk}/"
    got = client.get(url)
    etag = got["ETag"]
    assert etag == '"1"'
    body = {"status": "done"}
    assert client.patch(url, body, content_type="application/json").status_code == 428
    assert client.patch(url, body, content_type="application/json",
                        HTTP_IF_MATCH="junk").status_code == 412
    ok = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["status"] == "done" and ok["ETag"] == '"2"'
    stale = client.patch(url, {"status": "open"}, content_type="application/json",
                         HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["current"]["status"] == "done"
    assert ActionItem.objects.get(pk=built.actions["2"].pk).closed_at is not None
    bad = client.patch(url, {"owner_kind": "body"}, content_type="application/json",
                       HTTP_IF_MATCH='"2"')
    assert bad.status_code == 400 and "owner_body" in bad.json()


@pytest.mark.django_db
def test_decisions_create_and_patch(secretariat, built, client_for):
    client = client_for(secretariat)
    base = f"/api/v1/meetings/{built.meeting.pk}/decisions/"
    created = client.post(base, {"agenda_item": built.items["3"].pk, "kind": "noted",
                                 "text": "Wider?", "visibility": "public"},
                          content_type="application/json")
    assert created.status_code == 400 and "visibility" in created.json()
    created = client.post(base, {"agenda_item": built.items["2"].pk, "kind": "noted",
                                 "text": "The Meeting noted it."},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["visibility"] == "members"
    url = f"{base}{created.json()['id']}/"
    changed = client.patch(url, {"kind": "endorsed"}, content_type="application/json",
                           HTTP_IF_MATCH=created["ETag"])
    assert changed.status_code == 200 and changed.json()["kind"] == "endorsed"


@pytest.mark.django_db
def test_action_item_filters(personas, built, client_for):
    client = client_for(personas["secretariat"])
    mine = client.get("/api/v1/action-items/?owner=me").json()["results"]
    assert [a["text"] for a in mine] == ["Consolidate SECRETACTION figures"]
    by_code = client.get("/api/v1/action-items/?owner=MY").json()["results"]
    assert [a["owner"] for a in by_code] == ["MY"]
    due = client.get("/api/v1/action-items/?due_before=2024-08-01").json()["results"]
    assert [a["due_date"] for a in due] == ["2024-07-31"]
    assert client.get("/api/v1/action-items/?due_before=junk").status_code == 400
    delegate = client_for(personas["delegate"]).get("/api/v1/action-items/?owner=me").json()
    assert [a["owner"] for a in delegate["results"]] == ["MY"]
    # Partners may not create at all; for a recorder, a decision they cannot see is unknown.
    response = client_for(personas["partner"]).post(
        "/api/v1/action-items/", {"decision": built.decisions["3"].pk, "text": "x",
                                  "owner_kind": "secretariat", "due_date": "2025-01-01"},
        content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_if_match_star_matches_any_current_version(secretariat, built, client_for):
    """RFC 9110 13.1.1: ``If-Match: *`` matches whatever the current version is (it used to
    answer 412, as a malformed tag); a list matches when one of its tags is current."""
    client = client_for(secretariat)
    url = f"/api/v1/action-items/{built.actions['2'].pk}/"
    ok = client.patch(url, {"status": "done"}, content_type="application/json",
                      HTTP_IF_MATCH="*")
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"'
    listed = client.patch(url, {"status": "open"}, content_type="application/json",
                          HTTP_IF_MATCH='"1", W/"2"')
    assert listed.status_code == 200 and listed.json()["status"] == "open"
    base = f"/api/v1/meetings/{built.meeting.pk}/decisions/"
    created = client.post(base, {"agenda_item": built.items["2"].pk, "kind": "noted",
                                 "text": "The Meeting noted it."},
                          content_type="application/json")
    changed = client.patch(f"{base}{created.json()['id']}/", {"kind": "endorsed"},
                           content_type="application/json", HTTP_IF_MATCH="*")
    assert changed.status_code == 200 and changed.json()["kind"] == "endorsed"
