"""The agenda tree: visibility capped by the parent, numbering that never reveals a hidden
item, moves and deletes (pages and API)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import authoring
from meetings.models import AgendaItem, Visibility
from tests.meetings.factories import DocumentFactory

pytestmark = pytest.mark.django_db
PUBLIC, MEMBERS, SECRETARIAT = Visibility.PUBLIC, Visibility.MEMBERS, Visibility.SECRETARIAT


def _agenda(meeting, actor, specs):
    """``specs``: (title, visibility, [children specs]) → items by title."""
    made = {}

    def add(rows, parent):
        for title, visibility, children in rows:
            item = authoring.agenda_item_create(actor=actor, meeting=meeting, title=title,
                                                parent_id=parent, visibility=visibility)
            made[title] = item
            add(children, item.pk)

    add(specs, None)
    return made


def test_a_child_cannot_be_more_visible_than_its_parent(meeting, secretariat, client_for):
    items = _agenda(meeting, secretariat, [("Budget", SECRETARIAT, [])])
    with pytest.raises(ValidationError) as error:
        authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="Leak",
                                     parent_id=items["Budget"].pk, visibility=MEMBERS)
    assert "visibility" in error.value.message_dict
    # The page shows it as a field error and saves nothing.
    client = client_for(secretariat)
    response = client.post(reverse("meetings:agenda_edit", args=[meeting.pk]), {
        "title": "Leak", "parent": items["Budget"].pk, "visibility": PUBLIC})
    assert response.status_code == 400
    assert "cannot be more visible" in response.content.decode()
    # The API answers 400 on the field.
    response = client.post(reverse("api:agenda-item-list", args=[meeting.pk]),
                           {"title": "Leak", "parent": items["Budget"].pk,
                            "visibility": PUBLIC}, content_type="application/json")
    assert response.status_code == 400 and "visibility" in response.json()
    # Widening an existing child above its parent is refused too; narrowing a parent
    # narrows its children.
    child = authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="Draft",
                                         parent_id=items["Budget"].pk, visibility=SECRETARIAT)
    with pytest.raises(ValidationError):
        authoring.agenda_item_update(actor=secretariat, item_id=child.pk,
                                     expected_version=child.version,
                                     changes={"visibility": PUBLIC})
    assert AgendaItem.objects.filter(meeting=meeting, title="Leak").count() == 0


def test_numbering_shows_no_gap_for_what_a_delegate_cannot_see(meeting, secretariat, delegate,
                                                                client_for):
    """Given items 1-12 open to members, 13 secretariat-only (with 13.1) and 14 public, when a
    delegate looks, then 14 is numbered 13 and nothing hints at the hidden item."""
    specs = [(f"Item {n}", MEMBERS, []) for n in range(1, 13)]
    specs.append(("Closed budget talks", SECRETARIAT, [("Staffing", SECRETARIAT, [])]))
    specs.append(("Joint Media Statement", PUBLIC, [("Adoption", PUBLIC, [])]))
    _agenda(meeting, secretariat, specs)
    page = client_for(delegate).get(reverse("meetings:detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "Closed budget talks" not in text and "Staffing" not in text
    numbers = [item.display_number for item in page.context["agenda"]]
    assert numbers == [str(n) for n in range(1, 14)] + ["13.1"]
    assert page.context["agenda"][-2].title == "Joint Media Statement"
    api = client_for(delegate).get(reverse("api:agenda-item-list", args=[meeting.pk])).json()
    assert [row["number"] for row in api][-2:] == ["13", "13.1"]
    assert "14" not in [row["number"] for row in api]
    # The secretariat sees the real numbering.
    own = client_for(secretariat).get(reverse("meetings:detail", args=[meeting.pk]))
    assert [i.display_number for i in own.context["agenda"]][-4:] == ["13", "13.1", "14",
                                                                        "14.1"]


def test_moves_indent_outdent_and_delete(meeting, secretariat):
    items = _agenda(meeting, secretariat, [("A", PUBLIC, []), ("B", MEMBERS, []),
                                           ("C", PUBLIC, [])])
    authoring.agenda_item_move(actor=secretariat, item_id=items["C"].pk, direction="up")
    authoring.agenda_item_move(actor=secretariat, item_id=items["C"].pk, direction="indent")
    c = AgendaItem.objects.get(pk=items["C"].pk)
    assert c.parent_id == items["A"].pk and c.visibility == PUBLIC
    authoring.agenda_item_move(actor=secretariat, item_id=items["B"].pk, direction="up")
    authoring.agenda_item_move(actor=secretariat, item_id=items["C"].pk, direction="outdent")
    titles = [(i.title, i.parent_id) for i in
              AgendaItem.objects.filter(meeting=meeting).order_by("parent_id", "position")]
    assert ("C", None) in titles
    DocumentFactory(meeting=meeting, agenda_item=items["A"])
    with pytest.raises(ValidationError):
        authoring.agenda_item_delete(actor=secretariat, item_id=items["A"].pk)
    authoring.agenda_item_delete(actor=secretariat, item_id=items["B"].pk)
    assert not AgendaItem.objects.filter(pk=items["B"].pk).exists()
    authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="S",
                                 visibility=SECRETARIAT)
    indented = authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="D",
                                            visibility=PUBLIC)
    # Indented under a secretariat-only item, a public item is narrowed to it (the cap).
    authoring.agenda_item_move(actor=secretariat, item_id=indented.pk, direction="indent")
    assert AgendaItem.objects.get(pk=indented.pk).visibility == SECRETARIAT


def test_agenda_api_patch_needs_if_match(meeting, secretariat, client_for):
    item = authoring.agenda_item_create(actor=secretariat, meeting=meeting, title="Opening",
                                        visibility=PUBLIC)
    client = client_for(secretariat)
    url = reverse("api:agenda-item-detail", args=[meeting.pk, item.pk])
    assert client.get(url)["ETag"] == '"1"'
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 428
    ok = client.patch(url, {"title": "Opening remarks"}, content_type="application/json",
                      headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(url, {"title": "Late"}, content_type="application/json",
                         headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current"]["title"] == "Opening remarks"
