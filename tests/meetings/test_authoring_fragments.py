"""The authoring pages reuse rendered form fragments (issue 14): keyed by the row they show
(its version included) or by the meetings' data version, so the version a form posts back is
always the one just read and a concurrent edit is still detected. Queries pinned, the same
with 2 and with 30 sessions and agenda items."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from meetings import authoring
from meetings.models import Meeting, Session
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    return MeetingFactory(start_date=dt.date(2027, 6, 1), end_date=dt.date(2027, 6, 3),
                          time_zone="Asia/Brunei")


def _fill(meeting, secretariat, rows: int) -> None:
    for n in range(rows):
        start = dt.datetime(2027, 6, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
        authoring.session_create(actor=secretariat, meeting=meeting, title=f"Session {n}",
                                 starts_at=start, ends_at=start + dt.timedelta(minutes=30))
        authoring.agenda_item_create(actor=secretariat, meeting=meeting, title=f"Item {n}",
                                     visibility="public")


@pytest.mark.parametrize("rows", [2, 30])
def test_queries_are_pinned(client_for, secretariat, meeting, rows, django_assert_num_queries):
    _fill(meeting, secretariat, rows)
    client = client_for(secretariat)
    client.get(reverse("consultations:year_feed"))  # the login's first request saves the session
    # The session comes from Redis and the user from this process (secretariat.sessions and
    # .auth), so what is counted is the page's own reading.
    pages = {
        # meeting (body, host), the meeting form's hosts (a miss; none on a hit)
        "meetings:edit": (2, 1),
        # meeting, sessions
        "meetings:sessions": (2, 2),
        # meeting, agenda items (with parents)
        "meetings:agenda_edit": (2, 2),
        # meeting, delegations, administrations (+ names)
        "meetings:nominations": (3, 3),
    }
    for name, (miss, hit) in pages.items():
        url = reverse(name, args=[meeting.pk])
        with django_assert_num_queries(miss):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(hit):
            page = client.get(url).content.decode()
        if name == "meetings:sessions":
            assert page.count('name="s') >= rows  # every session's fields are there


def _version_of(page: str, prefix: str) -> str:
    return re.search(rf'name="{prefix}version" value="(\d+)"', page).group(1)


def test_a_session_form_offers_the_version_just_read(client_for, secretariat, meeting):
    _fill(meeting, secretariat, 1)
    session = Session.objects.get(meeting=meeting)
    client = client_for(secretariat)
    url = reverse("meetings:sessions", args=[meeting.pk])
    prefix = f"s{session.pk}-"
    assert _version_of(client.get(url).content.decode(), prefix) == str(session.version)
    authoring.session_update(actor=secretariat, session_id=session.pk,
                             expected_version=session.version, changes={"title": "Renamed"})
    page = client.get(url).content.decode()
    assert _version_of(page, prefix) == str(session.version + 1)
    assert 'value="Renamed"' in page
    # A post with the old version is still refused as a concurrent edit.
    client.post(reverse("meetings:session_edit", args=[meeting.pk, session.pk]), {
        f"{prefix}title": "Mine", f"{prefix}day": "2027-06-01", f"{prefix}starts": "09:00",
        f"{prefix}ends": "10:00", f"{prefix}mode": "in_person", f"{prefix}location": "",
        f"{prefix}version": session.version})
    assert Session.objects.get(pk=session.pk).title == "Renamed"


def test_the_meeting_form_shows_the_row_as_it_is_now(client_for, secretariat, meeting):
    client = client_for(secretariat)
    url = reverse("meetings:edit", args=[meeting.pk])
    assert _version_of(client.get(url).content.decode(), "") == str(meeting.version)
    # An ORM save (the admin) does not move the version, but bumps the data version.
    row = Meeting.objects.get(pk=meeting.pk)
    row.city = "Kuala Belait"
    row.save()
    assert 'value="Kuala Belait"' in client.get(url).content.decode()
    authoring.meeting_update(actor=secretariat, meeting_id=meeting.pk,
                             expected_version=meeting.version, changes={"venue": "ICC"})
    page = client.get(url).content.decode()
    assert _version_of(page, "") == str(meeting.version + 1) and 'value="ICC"' in page


def test_the_add_item_form_follows_the_agenda(client_for, secretariat, meeting):
    _fill(meeting, secretariat, 1)
    client = client_for(secretariat)
    url = reverse("meetings:agenda_edit", args=[meeting.pk])
    assert "1 Item 0</option>" in client.get(url).content.decode()
    authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="Opening",
                                 visibility="public")
    assert "2 Opening</option>" in client.get(url).content.decode()


def test_an_agenda_item_row_shows_its_version_just_read(client_for, secretariat, meeting):
    _fill(meeting, secretariat, 1)
    item = meeting.agenda_items.get()
    client = client_for(secretariat)
    url = reverse("meetings:agenda_edit", args=[meeting.pk])
    assert f'name="version" value="{item.version}"' in client.get(url).content.decode()
    authoring.agenda_item_update(actor=secretariat, item_id=item.pk,
                                 expected_version=item.version, changes={"title": "Adoption"})
    page = client.get(url).content.decode()
    assert f'name="version" value="{item.version + 1}"' in page
    assert 'value="Adoption"' in page and 'value="Item 0"' not in page
