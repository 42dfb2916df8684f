"""Pages and API: who sees what, field-level errors, text labels, query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AdministrationFactory
from tests.reporting.factories import delegates, open_cycle
from workgroups.reporting import reminders, services
from workgroups.reporting.models import ReminderDispatch, ReportState

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(secretariat, malaysia, thailand):
    due = timezone.now() + dt.timedelta(days=10)
    return open_cycle(secretariat, {"MY": malaysia, "TH": thailand}, due_at=due,
                      opens_at=timezone.now() - dt.timedelta(days=30))


@pytest.fixture
def my_report(cycle):
    return cycle.reports.get(administration__code="MY")


@pytest.fixture
def th_report(cycle):
    return cycle.reports.get(administration__code="TH")


def _form_data(report, action, **override):
    data = {"action": action}
    for entry in report.entries.all():
        data.update({f"{entry.pk}-status": "on_track", f"{entry.pk}-progress": "40",
                     f"{entry.pk}-narrative": "Customs Law amendments drafted."})
    data.update(override)
    return data


# (url name, args fixture, expected status per persona)
MATRIX = [
    ("reporting:cycle_list", None, {"anonymous": 302, "secretariat": 200, "chair": 403,
                                    "delegate": 403, "partner": 403}),
    ("reporting:cycle", "cycle", {"anonymous": 302, "secretariat": 200, "chair": 403,
                                  "delegate": 403, "partner": 403}),
    ("reporting:my_reports", None, {"anonymous": 302, "secretariat": 403, "chair": 200,
                                    "delegate": 200, "partner": 403}),
    ("reporting:report", "my_report", {"anonymous": 302, "secretariat": 200, "chair": 404,
                                       "delegate": 200, "delegate_b": 404, "partner": 404}),
]


@pytest.mark.parametrize(("name", "arg", "expected"), MATRIX)
def test_page_access_matrix(name, arg, expected, personas, client_for, request):
    args = [request.getfixturevalue(arg).pk] if arg else []
    for persona, status in expected.items():
        response = client_for(personas[persona]).get(reverse(name, args=args))
        assert response.status_code == status, (name, persona)


def test_remind_now_is_secretariat_only(my_report, personas, client_for):
    url = reverse("reporting:remind_now", args=[my_report.pk])
    for persona in ["delegate", "chair", "partner"]:
        assert client_for(personas[persona]).post(url).status_code == 403
    assert not ReminderDispatch.objects.filter(kind__startswith="manual-").exists()
    response = client_for(personas["secretariat"]).post(url, follow=True)
    assert "Reminder to Malaysia queued; it goes" in response.content.decode()
    assert ReminderDispatch.objects.filter(kind__startswith="manual-").count() == 1


def test_draft_with_a_bad_value_shows_the_error_on_the_field_and_keeps_the_text(
    my_report, delegate, client_for
):
    entry = my_report.entries.first()
    data = _form_data(my_report, "draft", **{f"{entry.pk}-progress": "150",
                                             f"{entry.pk}-narrative": "Kept text"})
    response = client_for(delegate).post(reverse("reporting:report", args=[my_report.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in html
    assert "Kept text" in html
    my_report.refresh_from_db()
    assert my_report.state == ReportState.NOT_STARTED


def test_incomplete_submission_marks_the_missing_fields(my_report, delegate, client_for):
    entry = my_report.entries.first()
    data = _form_data(my_report, "submit", **{f"{entry.pk}-narrative": ""})
    response = client_for(delegate).post(reverse("reporting:report", args=[my_report.pk]), data)
    assert response.status_code == 400
    assert "Say in a few words what was done." in response.content.decode()
    my_report.refresh_from_db()
    assert my_report.state == ReportState.NOT_STARTED


def test_submitting_in_the_browser(my_report, delegate, client_for):
    client = client_for(delegate)
    url = reverse("reporting:report", args=[my_report.pk])
    response = client.post(url, _form_data(my_report, "submit"))
    assert response.status_code == 302
    my_report.refresh_from_db()
    assert my_report.state == ReportState.SUBMITTED and my_report.submitted_by == delegate
    # Now read-only: a second post changes nothing.
    page = client.get(url).content.decode()
    assert "Submit the report" not in page and "Customs Law amendments drafted." in page


def test_cycle_matrix_uses_text_labels(cycle, my_report, delegate, secretariat, client_for):
    services.report_submit(actor=delegate, report_id=my_report.pk, entries={
        e.pk: {"status": "on_track", "progress": 50, "narrative": "ok"}
        for e in my_report.entries.all()})
    html = client_for(secretariat).get(reverse("reporting:cycle", args=[cycle.pk])).content
    html = html.decode()
    assert "Submitted" in html and "Not started" in html
    assert "Remind now<span class=\"visually-hidden\"> Thailand</span>" in html
    assert "Remind now<span class=\"visually-hidden\"> Malaysia</span>" not in html


def _many_administrations(secretariat, count, first=0):
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(first, first + count)]
    adms = {code: AdministrationFactory(code=code, country=f"Country {code}") for code in codes}
    delegates(adms)
    return open_cycle(secretariat, adms, milestones_each=1,
                      due_at=timezone.now() + dt.timedelta(days=10))


def test_cycle_page_query_count_does_not_grow(secretariat, client_for,
                                              django_assert_max_num_queries):
    client = client_for(secretariat)
    small = _many_administrations(secretariat, 2)
    big = _many_administrations(secretariat, 50, first=2)
    for cycle in (small, big):  # one reminder per administration already handed over
        for row in cycle.dispatches.filter(kind="T-14").select_related("cycle",
                                                                        "administration"):
            reminders.hand_over(row)
    # Session, user, profile, cycle, reports (+administration), reminder rows, their outbox
    # messages; the base layout's own queries (navigation, messages) add a handful.
    # Measured: 9 for both sizes.
    for cycle in (small, big):
        with django_assert_max_num_queries(9):
            assert client.get(reverse("reporting:cycle", args=[cycle.pk])).status_code == 200
    # Session, user, cycles with counts (one aggregate query), session save, layout: 8.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reporting:cycle_list")).status_code == 200


def test_api_reports_scoped_by_role(my_report, th_report, personas, client_for,
                                    django_assert_max_num_queries):
    url = "/api/v1/reports/"
    client = client_for(personas["secretariat"])
    # Session, user (+profile), count, reports (+cycle, administration), entries
    # (+milestone), session save (savepoint, update, release).
    with django_assert_max_num_queries(8):
        data = client.get(url).json()
    assert {r["administration"] for r in data["results"]} == {"MY", "TH"}
    data = client_for(personas["delegate"]).get(url).json()
    assert [r["administration"] for r in data["results"]] == ["MY"]
    assert data["results"][0]["entries"][0]["milestone"]
    assert client_for(personas["delegate"]).get(f"{url}{th_report.pk}/").status_code == 404
    assert client_for(personas["partner"]).get(url).json()["results"] == []
    assert client_for(None).get(url).status_code in {401, 403}


def test_home_panel_lists_the_delegates_deadline(my_report, delegate, secretariat, client_for):
    html = client_for(delegate).get(reverse("home")).content.decode()
    assert "Upcoming report deadlines" in html and my_report.cycle.title in html
    html = client_for(secretariat).get(reverse("home")).content.decode()
    assert "0 of 2 submitted" in html


def test_secretariat_creates_and_opens_a_cycle(secretariat, malaysia, client_for):
    from tests.workgroups.factories import MilestoneFactory

    MilestoneFactory().lead_administrations.add(malaysia)
    client = client_for(secretariat)
    response = client.post(reverse("reporting:cycle_list"), {
        "title": "Progress reports for the 36th DG Meeting",
        "opens_at": "2027-01-05T09:00", "due_at": "2027-02-05T17:00",
        "local_send_time": "09:00"})
    assert response.status_code == 302
    cycle_url = response["Location"]
    client.post(cycle_url + "open/")
    page = client.get(cycle_url).content.decode()
    assert "Malaysia" in page and "Not started" in page
    bad = client.post(reverse("reporting:cycle_list"), {
        "title": "x", "opens_at": "2027-02-05T09:00", "due_at": "2027-01-05T17:00",
        "local_send_time": "09:00"})
    assert "The deadline must be after the opening." in bad.content.decode()


def test_the_bodys_chair_sees_submitted_reports_read_only(secretariat, malaysia, thailand,
                                                           vietnam, delegate, chair, client_for):
    """Viet Nam chairs the body: its staff read Malaysia's submitted report (not
    Thailand's unsubmitted one, and cannot edit); the API lists the same."""
    from tests.workgroups.factories import BodyFactory, ChairTermFactory

    body = BodyFactory(code="CPTFWG")
    today = timezone.localdate()
    ChairTermFactory(body=body, administration=vietnam, start_on=today - dt.timedelta(days=9),
                     end_on=None)
    cycle = open_cycle(secretariat, {"MY": malaysia, "TH": thailand}, body=body,
                       due_at=timezone.now() + dt.timedelta(days=10))
    my_report = cycle.reports.get(administration=malaysia)
    th_report = cycle.reports.get(administration=thailand)
    services.report_submit(actor=delegate, report_id=my_report.pk, entries={
        e.pk: {"status": "on_track", "progress": 50, "narrative": "Chair can read this."}
        for e in my_report.entries.all()})
    client = client_for(chair)
    page = client.get(reverse("reporting:report", args=[my_report.pk]))
    assert page.status_code == 200 and "Chair can read this." in page.content.decode()
    assert "Submit the report" not in page.content.decode()
    assert client.get(reverse("reporting:report", args=[th_report.pk])).status_code == 404
    codes = [r["administration"] for r in client.get("/api/v1/reports/").json()["results"]]
    assert codes == ["MY"]
