"""The meeting list and the home page's next meetings, cached for logged-in viewers until the
next write to what they show (issue 14, ``meetings.caching``): never an older value, and a
hit costs no query for the meetings."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import authoring
from secretariat.models import AdministrationName
from tests.meetings.factories import MeetingFactory


def _page(client, name="meetings:list") -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _upcoming(**kwargs):
    start = timezone.localdate() + dt.timedelta(days=10)
    return MeetingFactory(start_date=start, end_date=start + dt.timedelta(days=1), **kwargs)


def test_the_list_shows_every_write_on_the_next_request(client_for, delegate, secretariat,
                                                        vietnam):
    client = client_for(delegate)
    meeting = _upcoming(host=vietnam, city="Hue")
    assert "Hue" in _page(client) and "Hue" in _page(client, "home")

    # A conditional UPDATE (the authoring service) sends no signal: the queryset bumps.
    authoring.meeting_update(actor=secretariat, meeting_id=meeting.pk,
                             expected_version=meeting.version, changes={"city": "Da Nang"})
    listing = _page(client)
    assert "Da Nang" in listing and "Hue" not in listing
    assert "Da Nang" in _page(client, "home")

    # A new meeting, a host's new name: saved through the ORM, caught by the signals.
    _upcoming(host=vietnam, city="Can Tho")
    assert "Can Tho" in _page(client)
    AdministrationName.objects.filter(administration=vietnam).update(name="Renamed Customs")
    AdministrationName.objects.filter(administration=vietnam).first().save()
    assert "Renamed Customs" in _page(client)


def test_a_second_read_asks_nothing_about_meetings(client_for, delegate, vietnam):
    client = client_for(delegate)
    for _ in range(3):
        _upcoming(host=vietnam)
    _page(client)
    with CaptureQueriesContext(connection) as queries:
        _page(client)
    assert not [q for q in queries.captured_queries if '"meetings_meeting"' in q["sql"]]


def test_logged_in_list_queries_do_not_grow_with_rows(client_for, delegate, vietnam,
                                                      django_assert_max_num_queries):
    client = client_for(delegate)
    for _ in range(2):
        _upcoming(host=vietnam)
    few = {}
    for name in ("meetings:list", "home"):
        with CaptureQueriesContext(connection) as queries:
            _page(client, name)
        few[name] = len(queries)
    for _ in range(60):
        _upcoming(host=vietnam)
    for name in ("meetings:list", "home"):  # each a miss again: the new rows bumped
        with django_assert_max_num_queries(few[name]):
            _page(client, name)
