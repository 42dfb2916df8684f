"""Milestone writes: the version check, history (T14), conflicts and revert."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory
from workgroups.models import Milestone, MilestoneStatus
from workgroups.services import Conflict, milestone_history, milestone_revert, milestone_update

pytestmark = pytest.mark.django_db


def changes_of(milestone):
    return Milestone.history.filter(id=milestone.pk, history_type="~")


def test_update_bumps_version_and_records_one_history_row(chair):
    milestone = MilestoneFactory()
    updated = milestone_update(
        actor=chair, milestone_id=milestone.pk, expected_version=1,
        changes={"status": "on_track", "progress": 40}, comment="Started drafting",
    )
    assert (updated.version, updated.status, updated.progress) == (2, "on_track", 40)
    (row,) = changes_of(milestone)
    assert row.history_user == chair
    assert row.history_change_reason == "Started drafting"
    assert (row.status, row.progress, row.version) == ("on_track", 40, 2)


def test_three_edits_by_two_users_give_exactly_three_rows_with_old_and_new(chair, secretariat):
    """T14: given a milestone, when two users edit it three times (the service writes with a
    conditional QuerySet.update()), then exactly three change rows exist, each with user, UTC
    time, comment and old -> new values."""
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 10}, comment="one")
    milestone_update(actor=secretariat, milestone_id=milestone.pk, expected_version=2,
                     changes={"status": "at_risk"}, comment="two")
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=3,
                     changes={"due_date": dt.date(2027, 3, 31)}, comment="three")
    assert changes_of(milestone).count() == 3
    summaries = milestone_history(milestone.pk)
    # People by name, not username (issue 13).
    chair_name, sec_name = chair.get_full_name(), secretariat.get_full_name()
    assert [(s.user, s.comment) for s in summaries] == [
        (chair_name, "three"), (sec_name, "two"), (chair_name, "one")]
    assert summaries[0].changes == [("Due date", dt.date(2026, 12, 31), dt.date(2027, 3, 31))]
    assert summaries[1].changes == [("Status", "Not started", "At risk")]
    assert summaries[2].changes == [("Progress", "0 %", "10 %")]
    assert all(s.date.utcoffset() == dt.timedelta(0) for s in summaries)


def test_stale_version_raises_conflict_with_the_other_persons_change(chair, secretariat):
    milestone = MilestoneFactory()
    milestone_update(actor=secretariat, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 70}, comment="Board approved")
    with pytest.raises(Conflict) as caught:
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"progress": 20}, comment="mine")
    assert caught.value.current.progress == 70
    assert [(c.user, c.changes) for c in caught.value.since] == [
        (secretariat.get_full_name(), [("Progress", "0 %", "70 %")])]
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (70, 2)
    assert changes_of(milestone).count() == 1


@pytest.mark.parametrize(
    ("changes", "comment", "field"),
    [
        ({"progress": 101}, "x", "progress"),
        ({"progress": -1}, "x", "progress"),
        ({"status": "on_track"}, "  ", "comment"),
        ({"status": "finished"}, "x", "status"),
        ({"due_date": dt.date(2025, 1, 1)}, "x", "due_date"),
        ({"title": "renamed"}, "x", "title"),
    ],
)
def test_invalid_changes_are_refused_field_by_field(chair, changes, comment, field):
    milestone = MilestoneFactory()
    with pytest.raises(ValidationError) as caught:
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes=changes, comment=comment)
    assert field in caught.value.message_dict
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_progress_outside_range_is_also_refused_by_the_database():
    milestone = MilestoneFactory()
    with pytest.raises(IntegrityError):
        Milestone.objects.filter(pk=milestone.pk).update(progress=150)


def test_a_change_that_alters_nothing_records_nothing(chair):
    milestone = MilestoneFactory(progress=30)
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 30}, comment="same")
    milestone.refresh_from_db()
    assert milestone.version == 1
    assert changes_of(milestone).count() == 0


def test_delegates_edit_only_milestones_of_bodies_their_administration_chairs(
        delegate, delegate_b, malaysia):
    today = timezone.localdate()
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=today - dt.timedelta(days=10),
                     end_on=today + dt.timedelta(days=300))
    chaired = MilestoneFactory(body=body)
    other = MilestoneFactory()
    milestone_update(actor=delegate, milestone_id=chaired.pk, expected_version=1,
                     changes={"progress": 5}, comment="ok")
    for actor, milestone in [(delegate, other), (delegate_b, chaired)]:
        with pytest.raises(PermissionDenied):
            milestone_update(actor=actor, milestone_id=milestone.pk,
                             expected_version=milestone.version, changes={"progress": 9},
                             comment="no")


def test_partner_never_edits(partner):
    milestone = MilestoneFactory()
    with pytest.raises(PermissionDenied):
        milestone_update(actor=partner, milestone_id=milestone.pk, expected_version=1,
                         changes={"progress": 9}, comment="no")


def test_secretariat_reverts_a_change_as_a_new_recorded_change(chair, secretariat):
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"status": "delayed", "progress": 15}, comment="slipping")
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=2,
                     changes={"due_date": dt.date(2027, 6, 30)}, comment="new date")
    bad = milestone_history(milestone.pk)[1]
    reverted = milestone_revert(actor=secretariat, milestone_id=milestone.pk,
                                history_id=bad.history_id, comment="not agreed")
    assert (reverted.status, reverted.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert reverted.due_date == dt.date(2027, 6, 30)  # the later change stays
    latest = milestone_history(milestone.pk)[0]
    assert latest.user == (secretariat.get_full_name() or "sec.staff")  # a name, not a login
    assert latest.comment.startswith("Revert of the change of")
    assert latest.comment.endswith("by chair.staff: not agreed")
    assert changes_of(milestone).count() == 3


def test_only_the_secretariat_reverts(chair):
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 15}, comment="x")
    (change,) = milestone_history(milestone.pk)
    with pytest.raises(PermissionDenied):
        milestone_revert(actor=chair, milestone_id=milestone.pk, history_id=change.history_id)
