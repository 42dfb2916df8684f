"""Issuing the record as a versioned paper, and the demo record of the 33rd DG meeting."""

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from meetings import services as meeting_services
from meetings.models import Document, Meeting
from meetings.records import demo, selectors, services
from meetings.records.models import ActionItem, ActionStatus, Attendance, Decision


@pytest.mark.django_db
def test_issuing_stores_the_members_copy_as_versioned_minutes(secretariat, built):
    document = services.record_issue(actor=secretariat, meeting=built.meeting)
    assert document.kind == Document.Kind.MINUTES and document.access_level == "members"
    text = "".join(p.extract_text() for p in PdfReader(
        document.current_version.file.open("rb")).pages)
    assert "MEMBERSMARK" in text and "SECRETMARK" not in text
    again = services.record_issue(actor=secretariat, meeting=built.meeting)
    assert again.pk == document.pk and again.current_version.number == 2
    # The adopted-minutes lock applies: a new issue needs a reason.
    meeting_services.minutes_adopt(actor=secretariat, document=again)
    with pytest.raises(ValidationError):
        services.record_issue(actor=secretariat, meeting=built.meeting)
    corrected = services.record_issue(actor=secretariat, meeting=built.meeting,
                                      reason="Typo in item 2")
    assert corrected.current_version.number == 3


@pytest.mark.django_db
def test_demo_record_of_the_33rd_and_matters_arising_at_the_34th(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    dg33 = Meeting.objects.get(body__code="DG", ordinal=33)
    dg34 = Meeting.objects.get(body__code="DG", ordinal=34)
    users = get_user_model().objects
    delegate, secretariat = users.get(username="delegate.my"), users.get(username="secretariat")
    actions = ActionItem.objects.filter(meeting=dg33)
    assert actions.filter(status=ActionStatus.DONE).exists()
    assert actions.filter(status=ActionStatus.OPEN).exists()
    assert actions.filter(milestone__isnull=False).count() >= 3
    assert Attendance.objects.filter(session__meeting=dg33).count() == (
        dg33.sessions.count() * selectors.attendance_grid(dg33)[1].__len__())
    previous, arising = selectors.matters_arising(delegate, dg34)
    assert previous == dg33
    assert {a.pk for a in arising} == set(
        ActionItem.objects.visible_to(delegate).filter(meeting=dg33, status="open")
        .values_list("pk", flat=True))
    assert arising and all(a.status == "open" for a in arising)
    # The secretariat-only item's action is in the secretariat's list only.
    secret = ActionItem.objects.get(decision__visibility="secretariat")
    assert secret.pk not in {a.pk for a in arising}
    assert secret.pk in {a.pk for a in selectors.matters_arising(secretariat, dg34)[1]}
    # Loading again changes nothing.
    counts = (Decision.objects.count(), ActionItem.objects.count(), Attendance.objects.count())
    demo.load(lambda *_: None)
    assert counts == (Decision.objects.count(), ActionItem.objects.count(),
                      Attendance.objects.count())
    pdf = PdfReader(io.BytesIO(pdf_bytes(delegate, dg33)))
    assert "Nguyễn Văn Cẩn" in "".join(p.extract_text() for p in pdf.pages)


def pdf_bytes(user, meeting) -> bytes:
    from meetings.records.pdf import record_pdf_for

    return record_pdf_for(user, meeting)
