"""The secretariat's chair-terms page and API: add a term (the rotation proposes the next
chair), refuse overlaps, end a term so the rights stop at once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from secretariat.models import Role
from tests.factories import AdministrationFactory, make_person
from tests.workgroups.factories import BodyFactory, ChairTermFactory
from workgroups.access import may_run_body
from workgroups.models import Body, BodyChairTerm

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def dg(thailand, vietnam):
    body = BodyFactory(code="DG", kind=Body.Kind.DG_MEETING)
    AdministrationFactory(code="BN", country="Brunei Darussalam")
    AdministrationFactory(code="KH", country="Cambodia")
    ChairTermFactory(body=body, administration=vietnam, start_on=dt.date(2024, 6, 4),
                     end_on=dt.date(2025, 6, 2))
    return body


@time_machine.travel(TODAY, tick=False)
def test_page_proposes_the_next_chair_by_rotation(client_for, secretariat, dg):
    page = client_for(secretariat).get(reverse("workgroups:chair_terms"), {"body": "DG"})
    assert page.status_code == 200
    initial = page.context["form"].initial
    # After Viet Nam comes Brunei Darussalam (alphabetical, wrapping), from the next day.
    assert initial["administration"] == "BN" and initial["start_on"] == dt.date(2025, 6, 3)
    assert initial["is_inferred"] is True


@time_machine.travel(TODAY, tick=False)
def test_add_refuses_overlaps_and_end_stops_rights_now(client_for, secretariat, dg):
    client = client_for(secretariat)
    url = reverse("workgroups:chair_terms")
    clash = client.post(url, {"body": "DG", "administration": "BN", "role": "chair",
                              "start_on": "2025-01-01"})
    assert clash.status_code == 400 and "Overlaps Viet Nam" in clash.content.decode()
    added = client.post(url, {"body": "DG", "administration": "KH", "role": "chair",
                              "start_on": "2026-06-02", "end_on": "2027-05-31",
                              "is_inferred": "on"})
    assert added.status_code == 302
    staff = make_person("staff.kh", Role.DELEGATE,
                        administration=BodyChairTerm.objects.get(
                            administration__code="KH").administration)
    assert may_run_body(staff, dg.pk)
    term = BodyChairTerm.objects.get(administration__code="KH")
    assert client.post(reverse("workgroups:chair_term_end", args=[term.pk])).status_code == 302
    term.refresh_from_db()
    assert term.end_on == dt.date(2026, 11, 30)
    assert not may_run_body(staff, dg.pk)


@time_machine.travel(TODAY, tick=False)
def test_chair_terms_api(client_for, secretariat, delegate, dg):
    listing = client_for(delegate).get(reverse("api:chair-term-list"), {"body": "DG"})
    assert listing.status_code == 200
    assert [row["administration"] for row in listing.json()["results"]] == ["VN"]
    denied = client_for(delegate).post(reverse("api:chair-term-list"), {
        "body": "DG", "administration": "KH", "role": "chair", "start_on": "2026-06-02"},
        content_type="application/json")
    assert denied.status_code == 403
    api = client_for(secretariat)
    created = api.post(reverse("api:chair-term-list"), {
        "body": "DG", "administration": "KH", "role": "chair", "start_on": "2026-06-02",
        "end_on": "2027-05-31", "is_inferred": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["current"] is True
    overlap = api.post(reverse("api:chair-term-list"), {
        "body": "DG", "administration": "BN", "role": "chair", "start_on": "2027-01-01"},
        content_type="application/json")
    assert overlap.status_code == 400 and "start_on" in overlap.json()
    gone = api.delete(reverse("api:chair-term-detail", args=[created.json()["id"]]))
    assert gone.status_code == 204
    assert BodyChairTerm.objects.get(pk=created.json()["id"]).end_on == dt.date(2026, 11, 30)
