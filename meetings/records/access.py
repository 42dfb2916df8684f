"""Who sees a decision or an action item, and who answers for an action item.

- **Seeing** follows the agenda: ``levels_for`` names the agenda visibilities a person reads,
  the same rule as ``meetings.models.AgendaItemQuerySet.visible_to`` stated as levels, so a
  record can also be built for an audience (the issued record is what members read).
  ``tests/records/test_access.py`` keeps the two statements in line for every persona.
- **Owning**: an action item owned by an administration is its staff's; one owned by a body
  is the staff's of the administration chairing that body at that moment (from the chair
  terms, ``workgroups.access``); one owned by the secretariat is the secretariat's.
"""

from django.db.models import Q

from meetings.models import Visibility
from secretariat.access import (
    Clearance,
    administration_id_of,
    clearance_of,
    is_member_staff,
    is_secretariat,
)
from workgroups.access import chaired_body_ids

AUDIENCE_MEMBERS = [Visibility.PUBLIC.value, Visibility.MEMBERS.value]


def levels_for(user) -> list[str]:
    if is_secretariat(user):
        return [v.value for v in Visibility]
    if clearance_of(user) >= Clearance.MEMBERS:
        return list(AUDIENCE_MEMBERS)
    return [Visibility.PUBLIC.value]


def owned_filter(user, at=None) -> Q:
    """A filter on ``ActionItem`` for the items ``user`` answers for at ``at`` (now)."""
    if is_secretariat(user):
        return Q(owner_kind="secretariat")
    if not is_member_staff(user):
        return Q(pk__in=[])
    rule = Q(owner_kind="administration", owner_administration_id=administration_id_of(user))
    bodies = chaired_body_ids(user, at)
    if bodies:
        rule |= Q(owner_kind="body", owner_body_id__in=bodies)
    return rule


def owner_audience(user, at=None) -> tuple:
    """What ``owned_filter`` depends on, as a cache key: the secretariat's items, nobody's,
    or an administration's with those of the bodies it chairs at ``at``."""
    if is_secretariat(user):
        return ("secretariat",)
    if not is_member_staff(user):
        return ("nobody",)
    return ("administration", administration_id_of(user), *sorted(chaired_body_ids(user, at)))


def may_record(user, meeting, at=None) -> bool:
    """Attendance, decisions, action items and issuing the record: the secretariat and the
    meeting's chair administration (whoever runs the body at that moment)."""
    from workgroups.access import may_run_body

    return may_run_body(user, meeting.body_id, at)
