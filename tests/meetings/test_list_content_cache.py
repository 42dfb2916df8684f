"""The logged-in meeting list keeps its whole content as one string per filter as sent
(issue 14): queries pinned on a miss and on a hit, the same with 2 and with 30 meetings, and
the form shows what this request sent, never what an earlier one did."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import authoring
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
URL = reverse("meetings:list")


def _upcoming(**kwargs):
    start = timezone.localdate() + dt.timedelta(days=10)
    return MeetingFactory(start_date=start, end_date=start + dt.timedelta(days=1), **kwargs)


@pytest.mark.parametrize("rows", [2, 30])
def test_queries_are_pinned_on_a_miss_and_on_a_hit(client_for, delegate, vietnam, rows,
                                                   django_assert_num_queries):
    for _ in range(rows):
        _upcoming(host=vietnam)
    client = client_for(delegate)
    client.get(reverse("consultations:year_feed"))  # the login's first request saves the session
    # The session comes from Redis and the user from this process (secretariat.sessions and
    # .auth). Miss: body codes, upcoming meetings, their hosts' names, past meetings (none:
    # no prefetch).
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    # Hit: none.
    with django_assert_num_queries(0):
        page = client.get(URL).content.decode()
    assert page.count('href="/meetings/') >= rows


def test_the_form_shows_this_requests_filter(client_for, delegate, vietnam):
    _upcoming(host=vietnam)
    client = client_for(delegate)
    assert 'value="2031"' in client.get(URL, {"year": "2031"}).content.decode()
    assert 'value="2031"' not in client.get(URL).content.decode()
    assert "is-invalid" in client.get(URL, {"year": "soon"}).content.decode()
    assert "is-invalid" not in client.get(URL, {"year": ""}).content.decode()


def test_an_odd_filter_is_answered_without_a_copy(client_for, delegate, secretariat, vietnam):
    meeting = _upcoming(host=vietnam, city="Hue")
    client = client_for(delegate)
    odd = {"body": "<script>", "year": "20 26"}
    assert "Hue" in client.get(URL, odd).content.decode()
    authoring.meeting_update(actor=secretariat, meeting_id=meeting.pk,
                             expected_version=meeting.version, changes={"city": "Da Nang"})
    page = client.get(URL, odd).content.decode()
    assert "Da Nang" in page and "Hue" not in page
