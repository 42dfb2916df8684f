"""Search across the portal (issue 13, item 4): /search/ over papers, milestones, meetings,
decisions, consultations and bodies; English stemming; snippets with the words marked and
nothing else as markup; every kind access-aware; bounded queries."""

import pytest
from django.db import connection
from django.urls import reverse

from meetings import samples, services
from meetings.models import Visibility
from meetings.records.models import Decision
from secretariat import search
from tests.consultations.factories import ConsultationFactory
from tests.meetings.factories import AgendaItemFactory, DocumentFactory, MeetingFactory
from tests.workgroups.factories import BodyFactory, MilestoneFactory

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                              reason="full-text search with stemming is PostgreSQL only")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def _groups(user, query) -> dict[str, list]:
    return {g.key: g.hits for g in search.search(user, query)}


def _page(client_for, user, query) -> str:
    response = client_for(user).get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_milestone_is_found_by_a_word_of_its_description_with_the_word_marked(
        client_for, delegate):
    MilestoneFactory(code="26-CPTF-09", title="Electronic seals",
                     description="Pilot of electronic seals on trucks crossing the Lao border.")
    page = _page(client_for, delegate, "trucks")
    assert "26-CPTF-09 Electronic seals" in page
    assert "<mark>trucks</mark>" in page
    assert 'id="kind-milestones"' in page


def test_the_snippet_is_escaped_except_for_its_marks(client_for, secretariat):
    MilestoneFactory(title="Tricky",
                     description="<script>alert(1)</script> transit \ue000forged\ue001 <b>x</b>")
    page = _page(client_for, secretariat, "transit")
    (hit,) = _groups(secretariat, "transit")["milestones"]
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    assert "<mark>transit</mark>" in hit.snippet and "<mark>transit</mark>" in page
    # Whatever the headline keeps of the text, only <mark> is markup, and the text cannot
    # forge a mark.
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "<mark>forged" not in hit.snippet


def test_a_secretariat_only_items_decision_is_not_found_by_others(
        personas, secretariat, delegate, partner):
    meeting = MeetingFactory()
    hidden_item = AgendaItemFactory(meeting=meeting, visibility=Visibility.SECRETARIAT)
    public_item = AgendaItemFactory(meeting=meeting, visibility=Visibility.PUBLIC)
    # A members decision under a secretariat-only item: the stricter (the item's) applies.
    Decision.objects.create(meeting=meeting, agenda_item=hidden_item, kind="noted",
                            visibility=Visibility.MEMBERS,
                            text="The Meeting noted the confidential tariff dispute.")
    Decision.objects.create(meeting=meeting, agenda_item=public_item, kind="agreed",
                            visibility=Visibility.PUBLIC,
                            text="The Meeting agreed the tariff correlation tables.")
    assert len(_groups(secretariat, "tariff")["decisions"]) == 2
    for user in (delegate, partner, None):
        hits = _groups(user, "tariff")["decisions"]
        assert [h.title.split(" — ")[0] for h in hits] == ["Agreed"]
        assert all("confidential" not in h.snippet for h in hits)


def test_a_restricted_paper_is_not_found_by_a_delegate_or_partner(delegate, partner,
                                                                   secretariat):
    paper = DocumentFactory(access_level="restricted", title="Risk profiles annex")
    DocumentFactory(access_level="public", title="Risk management guide")
    for document in paper.__class__.objects.all():
        services.document_text_extract(document_id=document.pk)
    assert {h.title for h in _groups(secretariat, "risk")["papers"]} == {
        "Risk profiles annex", "Risk management guide"}
    for user in (delegate, partner, None):
        assert [h.title for h in _groups(user, "risk")["papers"]] == ["Risk management guide"]


def test_unpublished_milestones_and_consultations_stay_with_members(delegate, partner_b):
    MilestoneFactory(title="Draft cooperation", description="Quarantine cooperation",
                     published=False)
    ConsultationFactory(published=False, agenda="Quarantine procedures")
    assert _groups(delegate, "quarantine")["milestones"]
    assert not _groups(partner_b, "quarantine")["milestones"]
    assert not _groups(partner_b, "quarantine")["consultations"]
    assert not _groups(None, "quarantine")["consultations"]


@POSTGRES
def test_english_stemming_seizures_finds_seizure(delegate):
    MilestoneFactory(title="Joint operation", description="One seizure report per operation.")
    DocumentFactory(access_level="public", title="Annual statistics",
                    file=samples.make_pdf("Statistics", ["The seizure of counterfeit goods"]))
    for document in DocumentFactory._meta.model.objects.all():
        services.document_text_extract(document_id=document.pk)
    groups = _groups(delegate, "seizures")
    assert [h.title for h in groups["papers"]] == ["Annual statistics"]
    assert len(groups["milestones"]) == 1
    assert "<mark>seizure</mark>" in groups["milestones"][0].snippet


@pytest.mark.parametrize("kind, content, filename", [
    ("xlsx", samples.make_xlsx([["Member", "Detention"], ["Viet Nam", "Warehouse audit"]]),
     "audit.xlsx"),
    ("pptx", samples.make_pptx(["Opening", "Warehouse audit findings"]), "audit.pptx"),
])
def test_xlsx_and_pptx_text_is_indexed(secretariat, kind, content, filename):
    paper = DocumentFactory(access_level="public", title=f"Slides {kind}", file=content,
                            file__filename=filename)
    assert services.document_text_extract(document_id=paper.pk)
    paper.refresh_from_db()
    assert "Warehouse audit" in paper.search_text
    assert [h.title for h in _groups(secretariat, "warehouse")["papers"]] == [f"Slides {kind}"]


def test_every_kind_is_grouped_and_bodies_meetings_consultations_found(client_for, delegate):
    BodyFactory(code="SWG-ZEBRA", name="Zebra working group", mandate="Zebra crossings.")
    MeetingFactory(title="Zebra meeting")
    ConsultationFactory(agenda="Zebra topics")
    groups = _groups(delegate, "zebra")
    assert list(groups) == ["papers", "milestones", "meetings", "decisions", "consultations",
                            "bodies"]
    assert groups["bodies"] and groups["meetings"] and groups["consultations"]


@pytest.mark.parametrize("rows", [2, 15])
def test_the_query_count_does_not_grow_with_the_results(client_for, secretariat, rows, vietnam,
                                                        django_assert_max_num_queries):
    meeting = MeetingFactory(title="Harbour meeting")
    item = AgendaItemFactory(meeting=meeting, visibility=Visibility.PUBLIC)
    for i in range(rows):
        MilestoneFactory(title=f"Harbour {i}", description="harbour")
        Decision.objects.create(meeting=meeting, agenda_item=item, kind="noted",
                                visibility=Visibility.PUBLIC, text=f"Harbour decision {i}")
        ConsultationFactory(agenda="harbour")
        MeetingFactory(title=f"Harbour meeting {i}", host=vietnam)
        DocumentFactory(meeting=meeting, access_level="public", title=f"Harbour paper {i}")
    client = client_for(secretariat)
    # session, user, the throttle (cache, no query), then one query per kind (papers,
    # milestones, meetings, decisions, consultations, bodies), the session save (3).
    with django_assert_max_num_queries(12):
        page = client.get(reverse("search"), {"q": "harbour"}).content.decode()
    assert page.count('class="py-2 border-bottom search-hit"') >= rows * 5


def test_search_is_throttled_like_the_meetings_search(client_for, delegate, monkeypatch):
    from secretariat.throttles import ScopeThrottle

    monkeypatch.setitem(ScopeThrottle.THROTTLE_RATES, "search", "2/min")
    client = client_for(delegate)
    statuses = [client.get(reverse("search"), {"q": "transit"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(reverse("search")).status_code == 200  # the empty form costs nothing
