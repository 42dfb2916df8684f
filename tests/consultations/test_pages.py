import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AccessLevel
from tests.consultations.factories import ConsultationFactory, dg_meeting, document

pytestmark = pytest.mark.django_db
SCHEDULE = reverse("consultations:schedule")
MINE = reverse("consultations:my_consultations")


def detail(c):
    return reverse("consultations:detail", args=[c.pk])


def test_schedule_is_public_and_lists_published_only(client, wco_draft, japan_draft,
                                                     japan_published):
    response = client.get(SCHEDULE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "26th ASEAN-Japan Customs Consultation" in html
    assert "27th" not in html and "14th" not in html
    assert "secret venue" not in html
    assert "/consultations/calendar.ics" in html
    assert "/consultations/feeds/" not in html, "no private feed for the public"


def test_schedule_splits_upcoming_and_past(client, time_machine, wco_series):
    time_machine.move_to(dt.datetime(2030, 6, 6, 12, tzinfo=dt.UTC))
    past = ConsultationFactory(series=wco_series, ordinal=13,
                               starts_at=dt.datetime(2024, 6, 5, 2, tzinfo=dt.UTC),
                               ends_at=dt.datetime(2024, 6, 5, 3, tzinfo=dt.UTC),
                               date=dt.date(2024, 6, 5), status="held")
    upcoming = ConsultationFactory(series=wco_series, ordinal=14,
                                   starts_at=dt.datetime(2030, 7, 1, 2, tzinfo=dt.UTC),
                                   ends_at=dt.datetime(2030, 7, 1, 3, tzinfo=dt.UTC),
                                   date=dt.date(2030, 7, 1))
    response = client.get(SCHEDULE)
    assert [c.pk for c in response.context["upcoming"]] == [upcoming.pk]
    assert [c.pk for c in response.context["past"]] == [past.pk]


def test_schedule_filters_and_rejects_junk(client, wco_series, japan_published):
    wco = ConsultationFactory(series=wco_series, ordinal=13)
    response = client.get(SCHEDULE, {"partner": "wco"})
    shown = response.context["upcoming"] + response.context["past"]
    assert [c.pk for c in shown] == [wco.pk]

    response = client.get(SCHEDULE, {"year": "not-a-year", "partner": "nobody"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"year", "partner"}
    assert "is-invalid" in response.content.decode()


def test_logged_in_viewer_gets_a_private_feed_url(client_for, delegate):
    html = client_for(delegate).get(SCHEDULE).content.decode()
    assert "/consultations/feeds/" in html


@pytest.mark.parametrize(
    ("who", "own_draft", "other_draft", "published"),
    [
        ("anonymous", 404, 404, 200),
        ("delegate", 404, 404, 200),
        ("partner", 200, 404, 200),     # partner = WCO: sees its own draft only
        ("partner_b", 404, 200, 200),   # partner_b = Japan Customs
        ("chair", 200, 200, 200),
        ("secretariat", 200, 200, 200),
    ],
)
def test_detail_page_matrix(client_for, personas, who, own_draft, other_draft, published,
                            wco_draft, japan_draft, japan_published):
    client = client_for(personas[who])
    assert client.get(detail(wco_draft)).status_code == own_draft
    assert client.get(detail(japan_draft)).status_code == other_draft
    assert client.get(detail(japan_published)).status_code == published


def test_unknown_consultation_is_404(client):
    assert client.get("/consultations/999999/").status_code == 404


def test_papers_follow_the_document_rules(client_for, personas, japan_published):
    """Given papers at three levels on a published consultation, each viewer sees only the
    levels their clearance reaches; a restricted paper's title never reaches a partner."""
    papers = {
        level: document(f"{level} paper", level)
        for level in (AccessLevel.PUBLIC, AccessLevel.PARTNERS, AccessLevel.RESTRICTED)
    }
    japan_published.documents.set(papers.values())
    expected = {
        "anonymous": {"public paper"},
        "partner": {"public paper", "partners paper"},
        "partner_b": {"public paper", "partners paper"},
        "delegate": {"public paper", "partners paper"},
        "secretariat": {"public paper", "partners paper", "restricted paper"},
    }
    for who, titles in expected.items():
        response = client_for(personas[who]).get(detail(japan_published))
        shown = {doc.title for doc, _url in response.context["documents"]}
        assert shown == titles, who
        if "restricted paper" not in titles:
            assert "restricted paper" not in response.content.decode()


def test_detail_shows_venue_time_and_meeting(client, wco_series):
    meeting = dg_meeting(33)
    consultation = ConsultationFactory(
        series=wco_series, ordinal=13, meeting=meeting,
        starts_at=dt.datetime(2024, 6, 5, 2, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 6, 5, 3, tzinfo=dt.UTC), date=dt.date(2024, 6, 5),
        mode="hybrid", mode_note="The WCO Secretary General joined virtually.",
    )
    html = client.get(detail(consultation)).content.decode()
    assert "13th ASEAN-WCO Consultation" in html
    # Venue time (Asia/Ho_Chi_Minh), whatever the viewer's zone.
    assert "Wednesday 5 June 2024, 09:00\N{EN DASH}10:00" in html
    assert "33rd DG Meeting" in html
    assert "joined virtually" in html
    assert reverse("consultations:event_ics", args=[consultation.pk]) in html


def test_my_consultations_is_for_partners(client_for, personas, wco_draft, japan_draft,
                                          japan_published):
    response = client_for(personas["partner"]).get(MINE)
    assert response.status_code == 200
    assert [c.pk for c in response.context["consultations"]] == [wco_draft.pk]
    html = response.content.decode()
    assert "14th ASEAN-WCO Consultation" in html and "Not published" in html
    assert "Japan" not in html.split("<main", 1)[1].split("feeds-heading")[0]
    assert "/consultations/feeds/" in html

    for who in ("delegate", "secretariat", "chair"):
        assert client_for(personas[who]).get(MINE).status_code == 404
    assert client_for(None).get(MINE).status_code == 302  # to the login page


def test_meeting_selector_scopes_by_viewer(partner, partner_b, wco_series, japan_series):
    from consultations.selectors import consultations_for_meeting

    meeting = dg_meeting(33)
    wco = ConsultationFactory(series=wco_series, ordinal=13, meeting=meeting)
    japan_hidden = ConsultationFactory(series=japan_series, ordinal=26, meeting=meeting,
                                       published=False)
    ConsultationFactory(series=wco_series, ordinal=12)  # another meeting
    assert [c.pk for c in consultations_for_meeting(meeting, partner)] == [wco.pk]
    assert {c.pk for c in consultations_for_meeting(meeting, partner_b)} == {
        wco.pk, japan_hidden.pk
    }


def test_home_panel_lists_upcoming(client, time_machine, japan_published, japan_draft):
    time_machine.move_to(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    html = client.get("/").content.decode()
    assert "Upcoming consultations" in html
    assert "26th ASEAN-Japan Customs Consultation" in html
    assert "27th" not in html


@pytest.mark.parametrize("rows", [2, 50])
def test_page_query_counts_do_not_grow(client_for, partner, wco_series, japan_series,
                                       django_assert_max_num_queries, rows):
    for n in range(rows):
        c = ConsultationFactory(series=wco_series if n % 2 else japan_series, ordinal=n + 1,
                                published=n % 3 != 0)
        c.documents.add(document(f"paper {n}"))
    client = client_for(partner)
    # schedule: session, user (+profile), years, partner filter, upcoming, past; the feed
    # token (select, then created on this first visit: savepoint, insert, release); the
    # session middleware's activity write (savepoint, update, release) = 13, for any rows.
    with django_assert_max_num_queries(13):
        assert client.get(SCHEDULE).status_code == 200
    # mine: session, user, partner, consultations, their documents (one prefetch), series,
    # feed token (exists now: one select), session write (savepoint, update, release) = 10.
    with django_assert_max_num_queries(10):
        assert client.get(MINE).status_code == 200
