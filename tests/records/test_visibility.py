"""A decision or action item is seen exactly as far as its agenda item: pages, API, PDF."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from meetings.models import AgendaItem, Visibility
from meetings.records import services
from meetings.records.access import levels_for
from meetings.records.models import Decision
from tests.records.conftest import ALL_MARKS, expected_marks

ROLES = ["anonymous", "partner", "delegate", "chair", "secretariat"]


def _marks_in(text: str) -> set[str]:
    return {mark for mark in ALL_MARKS if mark in text}


@pytest.mark.django_db
def test_levels_state_the_agenda_rule(personas, built):
    """``records.access.levels_for`` and ``AgendaItemQuerySet.visible_to`` agree for every
    role, so the audience form of the rule cannot drift from the agenda's own."""
    for user in personas.values():
        by_rule = set(AgendaItem.objects.visible_to(user).filter(meeting=built.meeting)
                      .values_list("pk", flat=True))
        by_levels = set(AgendaItem.objects.filter(meeting=built.meeting,
                                                  visibility__in=levels_for(user))
                        .values_list("pk", flat=True))
        assert by_rule == by_levels


@pytest.mark.django_db
def test_a_decision_cannot_be_wider_than_its_item_or_its_parents(secretariat, built):
    with pytest.raises(ValidationError) as caught:
        services.decision_create(actor=secretariat, agenda_item=built.items["3"],
                                 kind="noted", text="x", visibility=Visibility.PUBLIC)
    assert "visibility" in caught.value.message_dict
    # The sub-item is capped by its members-only parent even if it were stored wider.
    AgendaItem.objects.filter(pk=built.items["2.1"].pk).update(visibility=Visibility.PUBLIC)
    with pytest.raises(ValidationError):
        services.decision_create(actor=secretariat, agenda_item=built.items["2.1"],
                                 kind="noted", text="x", visibility=Visibility.PUBLIC)
    # Narrowing a parent later hides the decisions under its children at once.
    AgendaItem.objects.filter(pk=built.items["2"].pk).update(visibility=Visibility.SECRETARIAT)
    members = Decision.objects.for_audience(["public", "members"])
    assert built.decisions["2.1"] not in members
    assert built.decisions["2"] not in members


@pytest.mark.django_db
def test_only_the_recorders_record(personas, built):
    for role in ("delegate", "partner"):
        with pytest.raises(Exception) as caught:
            services.decision_create(actor=personas[role], agenda_item=built.items["1"],
                                     kind="noted", text="x")
        assert caught.type.__name__ == "PermissionDenied"
    # The chair administration's staff (Viet Nam's open-ended DG term) may.
    services.decision_create(actor=personas["chair"], agenda_item=built.items["1"],
                             kind="noted", text="By the chair")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_show_exactly_what_the_role_may_see(role, personas, built, client_for):
    client = client_for(personas[role])
    page = client.get(f"/meetings/{built.meeting.pk}/record/")
    assert page.status_code == 200
    assert _marks_in(page.content.decode()) == expected_marks(role)
    secret_action = "SECRETACTION" in page.content.decode()
    assert secret_action == (role == "secretariat")
    api = client.get(f"/api/v1/meetings/{built.meeting.pk}/decisions/")
    actions = client.get("/api/v1/action-items/")
    secret = built.decisions["3"]
    detail = client.get(f"/api/v1/meetings/{built.meeting.pk}/decisions/{secret.pk}/")
    action_detail = client.get(f"/api/v1/action-items/{built.actions['3'].pk}/")
    if role == "anonymous":
        assert {api.status_code, actions.status_code, detail.status_code} == {401}
        return
    assert _marks_in(api.content.decode()) == expected_marks(role)
    assert ("SECRETACTION" in actions.content.decode()) == (role == "secretariat")
    expected = 200 if role == "secretariat" else 404
    assert detail.status_code == expected and action_detail.status_code == expected


@pytest.mark.django_db
def test_the_record_pdf_holds_exactly_what_each_role_may_see(personas, built, client_for):
    """Given the record of a meeting with a public, a members-only and a secretariat-only
    item, when each role downloads the PDF (page and API), then pypdf finds exactly that
    role's items and decisions, and the chair's Vietnamese name with its diacritics."""
    for role in ROLES:
        client = client_for(personas[role])
        response = client.get(f"/meetings/{built.meeting.pk}/record.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert _marks_in(text) == expected_marks(role), role
        assert ("Closed briefing" in text) == (role == "secretariat")
        assert ("Reports" in text) == (role in {"delegate", "chair", "secretariat"})
        assert ("SECRETACTION" in text) == (role == "secretariat")
        # Attendance (with the names) is for member administrations.
        assert ("Nguyễn Văn Cẩn" in text) == (role in {"delegate", "chair", "secretariat"})
    api = client_for(personas["delegate"]).get(f"/api/v1/meetings/{built.meeting.pk}/record.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(api.content)).pages)
    assert _marks_in(text) == expected_marks("delegate")
