"""How consultations plug into other pages: the meeting page, the admin."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from consultations.models import Consultation, ConsultationNotice
from tests.consultations.factories import ConsultationFactory, dg_meeting, document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_staff(secretariat):
    """The secretariat persona with the Secretariat group's admin permissions."""
    from secretariat.services import secretariat_group_sync

    secretariat.groups.add(secretariat_group_sync())
    return secretariat


def render_for(user, meeting) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load consultations_tags %}{% meeting_consultations meeting %}")
    return template.render(Context({"request": request, "meeting": meeting}))


def test_meeting_page_snippet_is_scoped(partner, partner_b, wco_series, japan_series):
    meeting = dg_meeting(33)
    ConsultationFactory(series=wco_series, ordinal=13, meeting=meeting)
    ConsultationFactory(series=japan_series, ordinal=26, meeting=meeting, published=False)

    wco_view = render_for(partner, meeting)
    assert "13th ASEAN-WCO Consultation" in wco_view
    assert "26th" not in wco_view
    assert "26th ASEAN-Japan Customs Consultation" in render_for(partner_b, meeting)
    assert 'scope="col"' in wco_view


def test_meeting_page_lists_the_consultations_held_alongside(client_for, partner, partner_b,
                                                             wco_series, japan_series):
    meeting = dg_meeting(33)
    ConsultationFactory(series=wco_series, ordinal=13, meeting=meeting)
    ConsultationFactory(series=japan_series, ordinal=26, meeting=meeting, published=False)
    page = reverse("meetings:detail", args=[meeting.pk])
    html = client_for(partner).get(page).content.decode()
    assert "Consultations with dialogue partners" in html
    assert "13th ASEAN-WCO Consultation" in html
    assert "26th" not in html  # another partner's unpublished consultation
    japan_view = client_for(partner_b).get(page).content.decode()
    assert "26th ASEAN-Japan Customs Consultation" in japan_view


def test_meeting_page_snippet_is_empty_without_consultations(partner):
    assert render_for(partner, dg_meeting(33)).strip() == ""


def test_papers_and_meeting_link_to_the_meetings_pages(client_for, secretariat, wco_series):
    meeting = dg_meeting(33)
    paper = document("Cooperation report", meeting=meeting)
    consultation = ConsultationFactory(series=wco_series, ordinal=13, meeting=meeting)
    consultation.documents.add(paper)
    html = client_for(secretariat).get(consultation.get_absolute_url()).content.decode()
    assert reverse("meetings:document", args=[paper.pk]) in html
    assert reverse("meetings:detail", args=[meeting.pk]) in html


def test_admin_edits_go_through_the_service(client_for, admin_staff, wco_series):
    """Given a confirmed consultation, when the secretariat moves it in the admin, then
    SEQUENCE rises and a 'moved' notice is written, as with any other client."""
    consultation = ConsultationFactory(series=wco_series, ordinal=13)
    client = client_for(admin_staff)
    url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({
        "starts_at_0": "2030-06-05", "starts_at_1": "14:00:00",
        "ends_at_0": "2030-06-05", "ends_at_1": "15:00:00",
        "documents": [],
    })
    data.pop("starts_at"), data.pop("ends_at")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    consultation.refresh_from_db()
    assert consultation.sequence == 1
    assert ConsultationNotice.objects.get().change == "moved"


def test_admin_add_computes_the_next_ordinal(client_for, admin_staff, wco_series):
    ConsultationFactory(series=wco_series, ordinal=13)
    client = client_for(admin_staff)
    response = client.post(reverse("admin:consultations_consultation_add"), {
        "series": wco_series.pk, "ordinal": "", "meeting": "",
        "starts_at_0": "2031-06-05", "starts_at_1": "09:00:00",
        "ends_at_0": "2031-06-05", "ends_at_1": "10:00:00",
        "time_zone": "Asia/Ho_Chi_Minh", "venue": "Jakarta", "mode": "in_person",
        "mode_note": "", "status": "planned", "agenda": "", "documents": [],
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Consultation.objects.get(ordinal=14)
    assert created.date == dt.date(2031, 6, 5)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://portal.example/consultations/calendar.ics",
      "webcal://portal.example/consultations/calendar.ics"),
     ("http://127.0.0.1:8000/x.ics", "webcal://127.0.0.1:8000/x.ics"),
     ("ftp://odd", "ftp://odd")],
)
def test_webcal_links(url, expected):
    from consultations.templatetags.consultations_tags import webcal

    assert webcal(url) == expected
