# ruff: noqa: RUF001, RUF003  (the en dash of a date range is the wording itself)
"""The demo's dates agree with each other and read as dates (issue 13, "Dates")."""

import datetime as dt
import os
import re

import pytest
from django.core.management import call_command

from consultations.demo import working_day


def test_an_inferred_date_on_a_weekend_moves_to_the_next_monday():
    assert working_day(dt.date(2027, 1, 10)) == dt.date(2027, 1, 11)  # a Sunday
    assert working_day(dt.date(2027, 1, 9)) == dt.date(2027, 1, 11)  # a Saturday
    assert working_day(dt.date(2027, 1, 8)) == dt.date(2027, 1, 8)  # a Friday stays


@pytest.mark.django_db
def test_the_demo_year_has_no_weekend_consultation_no_overlap_and_no_empty_agenda(client,
                                                                                  settings):
    from consultations.models import Consultation
    from meetings.models import Meeting, Session

    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False

    # No upcoming consultation on a Saturday or a Sunday, in its own time zone.
    from zoneinfo import ZoneInfo

    for c in Consultation.objects.all():
        local = c.starts_at.astimezone(ZoneInfo(c.time_zone))
        assert local.weekday() < 5, f"{c.title} on {local:%A %d %B %Y}"

    # The 33rd's timetable frames its consultations: none overlaps a session that is not
    # itself a consultation session.
    dg33 = Meeting.objects.get(body__code="DG", ordinal=33)
    sessions = [s for s in Session.objects.filter(meeting=dg33)
                if "onsultation" not in s.title]
    for c in Consultation.objects.filter(meeting=dg33):
        clash = [s.title for s in sessions if s.starts_at < c.ends_at and c.starts_at < s.ends_at]
        assert clash == [], f"{c.title} overlaps {clash}"

    # The printable agenda is offered only where there is an agenda to print.
    for ordinal in (34, 35):
        meeting = Meeting.objects.get(body__code="DG", ordinal=ordinal)
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "Printable agenda" not in page, ordinal
    assert "Printable agenda" in client.get(f"/meetings/{dg33.pk}/").content.decode()

    # The home page writes its date ranges as dates: "2–4 June 2027", never "2-04 June 2027".
    home = client.get("/").content.decode()
    assert not re.search(r"\b\d{1,2}-0\d [A-Z][a-z]+ \d{4}", home)
    assert re.search(r"\b\d{1,2}–\d{1,2} [A-Z][a-z]+ \d{4}", home)
