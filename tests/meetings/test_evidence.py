"""Meeting documents cited as evidence of Strategic Plan milestones: who may attach and detach
them, who sees which titles on the milestone page, the body page's meetings, query pins and
the demo."""

import datetime as dt
import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import AccessLevel, Document, MilestoneEvidenceDocument
from meetings.services import evidence_document_attach, evidence_document_detach
from tests.meetings.factories import DocumentFactory, MeetingFactory, make_head_of_delegation
from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory

PERSONAS = ["anonymous", "outsider", "partner", "delegate", "chair", "secretariat"]


@pytest.fixture
def actors(personas, outsider):
    return {**personas, "anonymous": AnonymousUser(), "outsider": outsider}


@pytest.fixture
def cecwg_chaired_by_malaysia(malaysia):
    """Malaysia chairs the CECWG now, so its delegate edits the CECWG's milestones."""
    today = timezone.localdate()
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=today - dt.timedelta(days=10),
                     end_on=today + dt.timedelta(days=300))
    return body


def _cite(milestone, document):
    return MilestoneEvidenceDocument.objects.create(milestone=milestone, document=document)


# --- Services -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("anonymous", False), ("outsider", False), ("partner", False), ("delegate", False),
     ("delegate_b", False), ("chair", True), ("secretariat", True)],
)
def test_attach_and_detach_follow_the_milestone_edit_rights(actors, persona, allowed, meeting):
    milestone = MilestoneFactory()  # CPTFWG, chaired by nobody here
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.PUBLIC)
    actor = actors[persona]
    if not allowed:
        with pytest.raises(PermissionDenied):
            evidence_document_attach(actor=actor, milestone_id=milestone.pk,
                                     document_id=document.pk)
        assert not MilestoneEvidenceDocument.objects.exists()
        _cite(milestone, document)
        with pytest.raises(PermissionDenied):
            evidence_document_detach(actor=actor, milestone_id=milestone.pk,
                                     document_id=document.pk)
        assert MilestoneEvidenceDocument.objects.count() == 1
        return
    link, created = evidence_document_attach(actor=actor, milestone_id=milestone.pk,
                                             document_id=document.pk)
    assert created and link.added_by == actor
    assert evidence_document_detach(actor=actor, milestone_id=milestone.pk,
                                    document_id=document.pk)
    assert not MilestoneEvidenceDocument.objects.exists()


def test_a_delegate_whose_administration_chairs_the_body_edits_its_evidence_only(
        delegate, meeting, cecwg_chaired_by_malaysia):
    chaired = MilestoneFactory(body=cecwg_chaired_by_malaysia)
    other = MilestoneFactory()
    document = DocumentFactory(meeting=meeting)
    _, created = evidence_document_attach(actor=delegate, milestone_id=chaired.pk,
                                          document_id=document.pk)
    assert created
    with pytest.raises(PermissionDenied):
        evidence_document_attach(actor=delegate, milestone_id=other.pk, document_id=document.pk)


def test_attaching_twice_keeps_one_link_and_its_first_author(chair, secretariat, meeting):
    milestone = MilestoneFactory()
    document = DocumentFactory(meeting=meeting)
    first, created = evidence_document_attach(actor=chair, milestone_id=milestone.pk,
                                              document_id=document.pk)
    again, created_again = evidence_document_attach(actor=secretariat, milestone_id=milestone.pk,
                                                    document_id=document.pk)
    assert created and not created_again
    assert again.pk == first.pk and again.added_by == chair
    assert MilestoneEvidenceDocument.objects.count() == 1
    assert evidence_document_detach(actor=chair, milestone_id=milestone.pk,
                                    document_id=document.pk)
    assert not evidence_document_detach(actor=chair, milestone_id=milestone.pk,
                                        document_id=document.pk)


def test_nobody_cites_a_paper_they_cannot_read(chair, secretariat, meeting):
    """The chair's staff read members' papers, not restricted ones."""
    milestone = MilestoneFactory()
    restricted = DocumentFactory(meeting=meeting, access_level=AccessLevel.RESTRICTED)
    with pytest.raises(Document.DoesNotExist):
        evidence_document_attach(actor=chair, milestone_id=milestone.pk,
                                 document_id=restricted.pk)
    evidence_document_attach(actor=secretariat, milestone_id=milestone.pk,
                             document_id=restricted.pk)
    with pytest.raises(Document.DoesNotExist):
        evidence_document_detach(actor=chair, milestone_id=milestone.pk,
                                 document_id=restricted.pk)
    assert MilestoneEvidenceDocument.objects.count() == 1


def test_an_unknown_milestone_is_a_field_error(chair, meeting):
    document = DocumentFactory(meeting=meeting)
    with pytest.raises(ValidationError) as error:
        evidence_document_attach(actor=chair, milestone_id=999_999, document_id=document.pk)
    assert "milestone" in error.value.message_dict


# --- Pages: attaching and detaching -------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("partner", 403), ("delegate", 403),
     ("chair", 302), ("secretariat", 302)],
)
def test_attach_form_posts(client_for, actors, persona, status, meeting):
    milestone = MilestoneFactory()
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.PUBLIC)
    user = None if persona == "anonymous" else actors[persona]
    response = client_for(user).post(reverse("meetings:evidence_attach", args=[document.pk]),
                                     {"milestone": milestone.pk})
    assert response.status_code == status
    cited = MilestoneEvidenceDocument.objects.filter(milestone=milestone, document=document)
    assert cited.exists() == (persona in {"chair", "secretariat"})
    if persona == "anonymous":
        assert "login" in response["Location"]


def test_attaching_an_unreadable_paper_is_404(client_for, chair, meeting):
    milestone = MilestoneFactory()
    restricted = DocumentFactory(meeting=meeting, access_level=AccessLevel.RESTRICTED)
    response = client_for(chair).post(
        reverse("meetings:evidence_attach", args=[restricted.pk]), {"milestone": milestone.pk}
    )
    assert response.status_code == 404
    assert not MilestoneEvidenceDocument.objects.exists()


def test_a_chairing_delegate_cannot_post_another_bodys_milestone(
        client_for, delegate, meeting, cecwg_chaired_by_malaysia):
    other = MilestoneFactory()
    document = DocumentFactory(meeting=meeting)
    response = client_for(delegate).post(
        reverse("meetings:evidence_attach", args=[document.pk]), {"milestone": other.pk}
    )
    assert response.status_code == 403
    assert not MilestoneEvidenceDocument.objects.exists()


def test_a_missing_milestone_is_a_message_not_an_error(client_for, chair, meeting):
    document = DocumentFactory(meeting=meeting)
    client = client_for(chair)
    url = reverse("meetings:evidence_attach", args=[document.pk])
    for data in ({}, {"milestone": "abc"}, {"milestone": 999_999}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert any("milestone" in str(m).lower() for m in response.context["messages"])
    assert not MilestoneEvidenceDocument.objects.exists()


def test_detach_from_the_milestone_page_returns_there(client_for, chair, meeting):
    milestone = MilestoneFactory()
    document = DocumentFactory(meeting=meeting)
    _cite(milestone, document)
    response = client_for(chair).post(
        reverse("meetings:evidence_detach", args=[document.pk]),
        {"milestone": milestone.pk, "back": "milestone"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workgroups:milestone", args=[milestone.pk])
    assert not MilestoneEvidenceDocument.objects.exists()
    assert Document.objects.filter(pk=document.pk).exists()


def test_document_page_offers_only_milestones_the_user_may_edit(
        client_for, delegate, chair, partner, meeting, cecwg_chaired_by_malaysia):
    chaired = MilestoneFactory(body=cecwg_chaired_by_malaysia, title="Mekong Dragon 2026")
    other = MilestoneFactory(title="Time release study")
    cited = MilestoneFactory(title="Already cited")
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.PARTNERS)
    _cite(cited, document)
    url = reverse("meetings:document", args=[document.pk])

    page = client_for(delegate).get(url)
    choices = dict(page.context["attach_form"].fields["milestone"].choices)
    assert [pk for pk, _ in choices["CECWG"]] == [chaired.pk]
    assert "CPTFWG" not in choices
    assert "Attach as evidence" in page.content.decode()

    page = client_for(chair).get(url)
    offered = {pk for group in page.context["attach_form"].fields["milestone"].choices[1:]
               for pk, _ in group[1]}
    assert offered == {chaired.pk, other.pk}  # the cited one is not offered again
    assert "Already cited" in page.content.decode()

    page = client_for(partner).get(url)
    assert page.context["attach_form"] is None
    assert "Attach as evidence" not in page.content.decode()


def test_document_page_lists_only_the_citing_milestones_the_viewer_may_see(
        client_for, partner, chair, meeting):
    published = MilestoneFactory(title="Published milestone", published=True)
    internal = MilestoneFactory(title="Internal milestone", published=False)
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.PUBLIC)
    _cite(published, document)
    _cite(internal, document)
    url = reverse("meetings:document", args=[document.pk])
    partner_page = client_for(partner).get(url).content.decode()
    assert "Published milestone" in partner_page and "Internal milestone" not in partner_page
    assert "Remove</button>" not in partner_page
    chair_page = client_for(chair).get(url).content.decode()
    assert "Published milestone" in chair_page and "Internal milestone" in chair_page
    assert chair_page.count("Remove</button>") == 2


# --- The milestone page: each reader sees the papers they may read ------------------------


SEES = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "partner": {"public", "partners"},
    "delegate": {"public", "partners", "members"},
    "chair": {"public", "partners", "members"},
    "secretariat": {"public", "partners", "members", "restricted"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_milestone_page_shows_evidence_titles_by_access_level(client_for, actors, persona,
                                                              papers):
    milestone = MilestoneFactory(published=True)
    for document in papers.values():
        _cite(milestone, document)
    user = None if persona == "anonymous" else actors[persona]
    page = client_for(user).get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    shown = {level for level in AccessLevel.values if f"{level} paper" in html}
    assert shown == SEES[persona]


@pytest.mark.parametrize("persona", ["anonymous", "partner"])
def test_members_only_evidence_leaves_no_trace_for_outsiders(client_for, actors, persona,
                                                             meeting):
    milestone = MilestoneFactory(published=True)
    _cite(milestone, DocumentFactory(meeting=meeting, access_level=AccessLevel.MEMBERS,
                                     title="Mekong Dragon campaign: operational results"))
    user = None if persona == "anonymous" else actors[persona]
    html = client_for(user).get(reverse("workgroups:milestone", args=[milestone.pk])
                                ).content.decode()
    assert "Mekong Dragon" not in html
    assert "Evidence from meeting documents" not in html


def test_embargoed_evidence_opens_when_the_embargo_lifts(client_for, partner, meeting,
                                                         time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    milestone = MilestoneFactory(published=True)
    _cite(milestone, DocumentFactory(
        meeting=meeting, access_level=AccessLevel.PUBLIC, title="Joint Media Statement",
        embargo_until=dt.datetime(2024, 6, 6, 10, tzinfo=dt.UTC),
        embargo_level=AccessLevel.MEMBERS,
    ))
    url = reverse("workgroups:milestone", args=[milestone.pk])
    assert "Joint Media Statement" not in client_for(partner).get(url).content.decode()
    time_machine.move_to(dt.datetime(2024, 6, 6, 11, tzinfo=dt.UTC))
    assert "Joint Media Statement" in client_for(partner).get(url).content.decode()


def test_a_head_of_delegation_sees_the_restricted_evidence_of_their_meeting(
        client_for, delegate, meeting):
    milestone = MilestoneFactory()
    _cite(milestone, DocumentFactory(meeting=meeting, access_level=AccessLevel.RESTRICTED,
                                     title="Closed briefing"))
    url = reverse("workgroups:milestone", args=[milestone.pk])
    assert "Closed briefing" not in client_for(delegate).get(url).content.decode()
    make_head_of_delegation(meeting, delegate)
    assert "Closed briefing" in client_for(delegate).get(url).content.decode()


def test_editors_get_remove_buttons_and_readers_do_not(client_for, chair, delegate, meeting):
    milestone = MilestoneFactory()
    _cite(milestone, DocumentFactory(meeting=meeting, title="CPTFWG progress report"))
    url = reverse("workgroups:milestone", args=[milestone.pk])
    chair_page = client_for(chair).get(url).content.decode()
    assert "CPTFWG progress report" in chair_page
    assert reverse("meetings:evidence_detach", args=[milestone.evidence_documents.get()
                                                     .document_id]) in chair_page
    delegate_page = client_for(delegate).get(url).content.decode()
    assert "CPTFWG progress report" in delegate_page
    assert "evidence/remove" not in delegate_page


# --- The body page lists its meetings -----------------------------------------------------


def test_body_page_lists_its_meetings_and_no_others(client, db):
    ccbwg = BodyFactory(code="CCBWG", name="Customs Capacity Building Working Group")
    dg = BodyFactory(code="DG", name="ASEAN Directors-General of Customs Meeting")
    MeetingFactory(body=ccbwg, ordinal=32, city="Jakarta", start_date=dt.date(2023, 3, 14),
                   end_date=dt.date(2023, 3, 16))
    MeetingFactory(body=dg, ordinal=33)
    html = client.get(reverse("workgroups:body", args=["CCBWG"])).content.decode()
    assert "32nd CCBWG Meeting" in html and "14 Mar 2023" in html
    assert "33rd DG Meeting" not in html
    html = client.get(reverse("workgroups:body", args=["DG"])).content.decode()
    assert "33rd DG Meeting" in html


def test_a_body_without_meetings_says_so(client, db):
    BodyFactory(code="TSWGC")
    html = client.get(reverse("workgroups:body", args=["TSWGC"])).content.decode()
    assert "No meeting recorded." in html


# --- Query counts ---------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["partner", "delegate", "chair"])
def test_milestone_page_costs_the_same_for_2_or_40_evidence_papers(
        client_for, actors, persona, meeting, django_assert_max_num_queries):
    """The panel adds one query (the cited papers with meeting, body and latest version,
    visibility as a subquery), and for a delegate the edit-rights query (chaired bodies)."""
    make_head_of_delegation(MeetingFactory(), actors["delegate"])
    milestone = MilestoneFactory(published=True)
    for _ in range(2):
        _cite(milestone, DocumentFactory(meeting=meeting, access_level=AccessLevel.PUBLIC))
    client = client_for(actors[persona])
    url = reverse("workgroups:milestone", args=[milestone.pk])
    few = _count(client, url)
    for _ in range(38):
        _cite(milestone, DocumentFactory(meeting=MeetingFactory(),
                                         access_level=AccessLevel.PUBLIC))
    with django_assert_max_num_queries(few):
        page = client.get(url)
    assert page.content.decode().count("cited ") == 40


def test_body_page_costs_the_same_for_1_or_12_meetings(client, db,
                                                       django_assert_max_num_queries):
    body = BodyFactory(code="CCBWG")
    MeetingFactory(body=body)
    url = reverse("workgroups:body", args=["CCBWG"])
    few = _count(client, url)
    for _ in range(11):
        MeetingFactory(body=body)
    with django_assert_max_num_queries(few):
        client.get(url)


# --- Demo -------------------------------------------------------------------------------------


def test_demo_cites_papers_once_however_often_it_loads(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    first = dict(MilestoneEvidenceDocument.objects.values_list("pk", "added_at"))
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert dict(MilestoneEvidenceDocument.objects.values_list("pk", "added_at")) == first
    cited = set(MilestoneEvidenceDocument.objects.values_list("milestone__code",
                                                              "document__title"))
    assert ("26-CEC-01", "Mekong Dragon campaign: operational results") in cited
    assert len(cited) == 4
