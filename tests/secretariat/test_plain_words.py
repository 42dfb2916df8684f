# ruff: noqa: RUF001  (the en dash of a date range is the wording itself)
"""Plain words instead of raw codes (issue 13, item 2): one test per raw-code case."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template

from secretariat import plain
from secretariat.emails import build_email


@pytest.mark.parametrize(("zone", "words"), [
    ("Asia/Yangon", "Yangon, UTC+06:30"),
    ("Asia/Ho_Chi_Minh", "Ho Chi Minh City, UTC+07:00"),
    ("Asia/Jakarta", "Jakarta, UTC+07:00"),
    ("Asia/Kuala_Lumpur", "Kuala Lumpur, UTC+08:00"),
    ("UTC", "UTC"),
    ("Mars/Olympus_Mons", ""),  # never invents a label
])
def test_a_time_zone_reads_as_city_and_offset(zone, words):
    assert plain.zone_label(zone) == words


def test_the_zone_filter_in_a_template_never_shows_the_iana_id():
    out = Template("{% load plain %}{{ z|zone }}").render(Context({"z": "Asia/Ho_Chi_Minh"}))
    assert out == "Ho Chi Minh City, UTC+07:00"
    assert "Asia/" not in out


@pytest.mark.parametrize(("start", "end", "words"), [
    (dt.date(2027, 6, 2), dt.date(2027, 6, 4), "2–4 June 2027"),  # not "2-04 June 2027"
    (dt.date(2027, 5, 30), dt.date(2027, 6, 2), "30 May – 2 June 2027"),
    (dt.date(2026, 12, 30), dt.date(2027, 1, 2), "30 December 2026 – 2 January 2027"),
    (dt.date(2027, 6, 2), dt.date(2027, 6, 2), "2 June 2027"),
])
def test_a_date_range_is_written_as_people_write_it(start, end, words):
    assert plain.date_range(start, end) == words


@pytest.mark.parametrize(("kind", "words"), [
    ("T-30", "30 days before"),
    ("T-1", "1 day before"),
    ("T0", "On the day"),
    ("T+7", "7 days after the deadline"),
    ("T+14-escalation", "14 days after the deadline, to the head of administration"),
    ("something-else", "something-else"),
])
def test_a_reminder_kind_reads_in_words(kind, words):
    assert plain.reminder_kind(kind) == words


def test_a_manual_reminder_says_who_sent_it_and_when_in_the_readers_time():
    # Stored in UTC (08:35); a reader in Jakarta (UTC+07:00) sees 15:35.
    words = plain.reminder_kind("manual-20261201-0835", zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert words == "Reminder sent by the secretariat, 1 Dec 15:35"
    assert "manual-" not in words


def test_an_overdue_milestone_has_one_state_and_its_reported_status_in_words():
    today = dt.date(2026, 12, 1)
    assert plain.milestone_state("on_track", "On track", dt.date(2026, 11, 30), today) == (
        "Overdue", "reported on track")
    assert plain.milestone_state("on_track", "On track", dt.date(2026, 12, 31), today) == (
        "On track", "")
    assert plain.milestone_state("completed", "Completed", dt.date(2026, 1, 1), today) == (
        "Completed", "")


@pytest.mark.django_db
def test_the_milestone_row_shows_overdue_once_not_beside_on_track():
    from tests.workgroups.factories import MilestoneFactory

    milestone = MilestoneFactory(status="on_track", due_date=dt.date(2026, 11, 30))
    html = Template("{% load plain %}{% milestone_state m today %}").render(
        Context({"m": milestone, "today": dt.date(2026, 12, 1)}))
    assert "Overdue" in html and "reported on track" in html
    assert "status-on_track" not in html  # no "On track" badge beside "Overdue"


def test_emails_come_from_a_name_and_end_with_a_human_signature(settings):
    settings.DEFAULT_FROM_EMAIL = "portal@localhost"
    settings.EMAIL_SENDER_NAME = "ASEAN Customs Secretariat"
    settings.EMAIL_SIGNATURE = "Siti Rahma\nASEAN Customs Secretariat"
    message = build_email(template="emails/consultation_changed", context=_consultation_context(),
                          to=["a@example.org"], message_id="<x@example.org>")
    assert message.from_email == "ASEAN Customs Secretariat <portal@localhost>"
    assert "Siti Rahma\nASEAN Customs Secretariat" in message.body
    assert "(Yangon, UTC+06:30, venue time)" in message.body  # not "Asia/Yangon"
    assert "Siti Rahma<br>ASEAN Customs Secretariat" in message.alternatives[0][0]


def _consultation_context() -> dict:
    from types import SimpleNamespace

    starts = dt.datetime(2027, 3, 2, 2, 0, tzinfo=dt.UTC)
    consultation = SimpleNamespace(
        title="ASEAN–WCO consultation", time_zone="Asia/Yangon", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), partner=SimpleNamespace(name="WCO"),
        place="Yangon", venue="", get_absolute_url=lambda: "/consultations/1/", pk=1)
    return {"consultation": consultation, "change": "moved", "url": "http://x/consultations/1/"}


def test_a_watch_email_gives_the_time_in_the_watchers_zone_and_names_the_person():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    change = SimpleNamespace(user="Nguyen Thi Lan", date=dt.datetime(2026, 12, 1, 8, 35,
                                                                     tzinfo=dt.UTC),
                             changes=[("Status", "On track", "Delayed")], comment="slipping")
    milestone = SimpleNamespace(code="26-CEC-02", title="Drug trafficking by air",
                                body=SimpleNamespace(code="CECWG"))
    user = SimpleNamespace(get_full_name=lambda: "Aung Min", username="delegate.mm")
    text = render_to_string("emails/milestone_changed.txt", {
        "user": user, "milestone": milestone, "change": change, "url": "http://x/",
        "zone": "Asia/Yangon"})
    assert "Dear Aung Min," in text
    assert "Nguyen Thi Lan changed" in text
    assert "1 December 2026, 15:05 (Yangon, UTC+06:30)" in text  # 08:35 UTC
    assert " UTC." not in text


def test_an_embargoed_paper_says_who_reads_it_now_and_from_when_the_others_do():
    """Not "Public" beside "Members until 04 Jun 2027 17:00 (+07)": the level of today, then
    the level it opens to, with the day, hour and zone in words."""
    from django.utils import timezone

    from meetings.models import AccessLevel, Document
    from meetings.templatetags.meetings_tags import access_badge

    paper = Document(access_level=AccessLevel.PUBLIC, embargo_level=AccessLevel.MEMBERS,
                     embargo_until=dt.datetime(2099, 6, 4, 10, tzinfo=dt.UTC))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jakarta")):
        html = str(access_badge(paper))
    assert ">Members</span>" in html
    assert "Public from 4 Jun 2099, 17:00 (Jakarta, UTC+07:00)" in html
    assert "until" not in html and "(+07)" not in html and "Asia/" not in html
    opened = Document(access_level=AccessLevel.PUBLIC, embargo_level=AccessLevel.MEMBERS,
                      embargo_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert str(access_badge(opened)) == '<span class="badge text-bg-success">Public</span>'


@pytest.mark.django_db
def test_the_milestone_breadcrumb_names_the_goal_and_action_line_in_words(client):
    from django.urls import reverse

    from tests.workgroups.factories import MilestoneFactory

    milestone = MilestoneFactory()  # published, in a published plan
    html = client.get(reverse("workgroups:milestone", args=[milestone.pk])).content.decode()
    start = html.index('aria-label="Breadcrumb"')
    crumbs = html[start:html.index("</nav>", start)]
    goal, line = milestone.action_line.goal, milestone.action_line
    assert f"Goal {goal.code}: {goal.title[:30]}" in crumbs
    assert f"Action line {line.code}: {line.title[:30]}" in crumbs
    assert f"Milestone {milestone.code}" in crumbs
