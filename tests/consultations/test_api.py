import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import AccessLevel
from tests.consultations.factories import ConsultationFactory, dg_meeting, document

pytestmark = pytest.mark.django_db
LIST = "/api/v1/consultations/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_refused(client):
    assert client.get(LIST).status_code in {401, 403}
    assert client.get("/api/v1/partners/").status_code in {401, 403}


@pytest.mark.parametrize(
    ("who", "sees_wco_draft", "sees_japan_draft"),
    [("delegate", False, False), ("partner", True, False), ("partner_b", False, True),
     ("chair", True, True), ("secretariat", True, True)],
)
def test_list_and_detail_are_scoped(client_for, personas, who, sees_wco_draft,
                                    sees_japan_draft, wco_draft, japan_draft, japan_published):
    client = client_for(personas[who])
    expected = {japan_published.pk}
    if sees_wco_draft:
        expected.add(wco_draft.pk)
    if sees_japan_draft:
        expected.add(japan_draft.pk)
    assert ids(client.get(LIST)) == expected
    for consultation, visible in ((wco_draft, sees_wco_draft), (japan_draft, sees_japan_draft)):
        response = client.get(f"{LIST}{consultation.pk}/")
        assert response.status_code == (200 if visible else 404)
        if not visible:
            assert consultation.venue.encode() not in response.content


def test_filters(client_for, secretariat, wco_series, japan_series):
    meeting = dg_meeting(33)
    at_dg33 = ConsultationFactory(
        series=wco_series, ordinal=13, meeting=meeting, status="held",
        starts_at=dt.datetime(2024, 6, 5, 2, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 6, 5, 3, tzinfo=dt.UTC), date=dt.date(2024, 6, 5),
    )
    japan = ConsultationFactory(series=japan_series, ordinal=27, status="cancelled")
    client = client_for(secretariat)
    assert ids(client.get(LIST, {"partner": "wco"})) == {at_dg33.pk}
    assert ids(client.get(LIST, {"year": 2024})) == {at_dg33.pk}
    assert ids(client.get(LIST, {"status": "cancelled"})) == {japan.pk}
    assert ids(client.get(LIST, {"meeting": meeting.pk})) == {at_dg33.pk}
    assert ids(client.get(LIST, {"partner": "nobody"})) == set()
    bad = client.get(LIST, {"status": "maybe", "year": "soon"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"status", "year"}


def test_a_partner_cannot_filter_its_way_to_others(client_for, partner, japan_draft):
    client = client_for(partner)
    assert ids(client.get(LIST, {"partner": "japan-customs"})) == set()
    assert ids(client.get(LIST, {"status": "planned"})) == set()


def test_payload_shape_and_documents(client_for, partner, japan_published):
    japan_published.documents.set([
        document("Partners brief", AccessLevel.PARTNERS),
        document("Restricted brief", AccessLevel.RESTRICTED),
    ])
    row = client_for(partner).get(f"{LIST}{japan_published.pk}/").json()
    assert row["title"] == "26th ASEAN-Japan Customs Consultation"
    assert row["partner"] == "japan-customs"
    assert row["time_zone"] == "Asia/Ho_Chi_Minh"
    assert row["starts_at"].endswith("+07:00") or row["starts_at"].endswith("Z")
    assert [d["title"] for d in row["documents"]] == ["Partners brief"]
    assert row["ics_url"].endswith(f"/consultations/{japan_published.pk}/event.ics")


def test_api_is_read_only(client_for, secretariat, japan_published):
    client = client_for(secretariat)
    response = client.patch(f"{LIST}{japan_published.pk}/", {"status": "cancelled"},
                            content_type="application/json")
    assert response.status_code == 405
    japan_published.refresh_from_db()
    assert japan_published.status == "confirmed"


def test_partners_endpoint(client_for, delegate, wco, japan_customs):
    client = client_for(delegate)
    slugs = [p["slug"] for p in client.get("/api/v1/partners/").json()["results"]]
    assert slugs == ["japan-customs", "wco"]
    assert client.get("/api/v1/partners/wco/").json()["name"] == "World Customs Organization"


@pytest.mark.parametrize("rows", [2, 50])
def test_list_query_count_is_flat(client_for, partner, wco_series, japan_series, rows,
                                  django_assert_max_num_queries):
    meeting = dg_meeting(33)
    for n in range(rows):
        c = ConsultationFactory(series=wco_series if n % 2 else japan_series, ordinal=n + 1,
                                meeting=meeting)
        c.documents.add(document(f"paper {n}"))
    client = client_for(partner)
    # session, user (+profile), count, page of consultations joined with series, partner,
    # meeting and body, documents prefetch (the visibility subquery is inline), session write.
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert response.json()["count"] == rows


def test_me_gives_a_working_calendar_url(client_for, partner, wco_draft):
    client = client_for(partner)
    url = client.get("/api/v1/me/").json()["calendar_url"]
    assert url.startswith("http://testserver/consultations/feeds/")
    assert client.get("/api/v1/me/").json()["calendar_url"] == url, "stable until rotated"

    client.logout()
    calendar = Calendar.from_ical(client.get(url).content)
    assert [str(e["SUMMARY"]) for e in calendar.events] == ["14th ASEAN-WCO Consultation"]

    client = client_for(partner)
    client.post(reverse("consultations:calendar_rotate"))
    new_url = client.get("/api/v1/me/").json()["calendar_url"]
    assert new_url != url
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_me_without_a_role_has_no_calendar(client_for, outsider):
    assert client_for(outsider).get("/api/v1/me/").json()["calendar_url"] is None
