"""Who may see and change Strategic Plan content. Role rules come from ``secretariat.access``;
this module adds the per-object rules of the working groups."""

import datetime as dt

from django.utils import timezone

from secretariat.access import administration_id_of, is_secretariat, role_of
from secretariat.models import Role
from workgroups.models import BodyChairTerm, ChairRole, Milestone

MEMBER_ROLES = {Role.SECRETARIAT, Role.CHAIR, Role.DELEGATE}


def sees_unpublished(user) -> bool:
    """Member administrations and the secretariat see the whole plan; partners and the
    public only the summary the secretariat publishes."""
    return role_of(user) in MEMBER_ROLES


def chaired_body_ids(user, day: dt.date | None = None) -> set[int]:
    """Bodies whose current chair is the user's administration (one query, or none)."""
    adm_id = administration_id_of(user)
    if adm_id is None or role_of(user) not in {Role.CHAIR, Role.DELEGATE}:
        return set()
    day = day or timezone.localdate()
    return set(
        BodyChairTerm.objects.current_on(day)
        .filter(administration_id=adm_id, role=ChairRole.CHAIR)
        .values_list("body_id", flat=True)
    )


class EditRights:
    """What one user may edit, computed once per request so that a list of 2,000 milestones
    asks no question per row."""

    def __init__(self, user, day: dt.date | None = None):
        self.role = role_of(user)
        self.administration_id = administration_id_of(user)
        self.secretariat = self.role == Role.SECRETARIAT
        # Chair-country staff edit every milestone; a delegate only those of the bodies its
        # administration currently chairs.
        self.all_milestones = self.role in {Role.SECRETARIAT, Role.CHAIR}
        self.body_ids = set() if self.all_milestones else chaired_body_ids(user, day)

    def milestone(self, milestone: Milestone) -> bool:
        return self.all_milestones or milestone.body_id in self.body_ids

    def any_milestone(self) -> bool:
        return self.all_milestones or bool(self.body_ids)

    def body(self, body_id: int) -> bool:
        return self.all_milestones or body_id in self.body_ids

    def administration_row(self, administration_id: int) -> bool:
        """National implementation and initiative rows: the secretariat edits all, member
        staff only their own administration's."""
        if self.secretariat:
            return True
        return (
            self.role in {Role.CHAIR, Role.DELEGATE}
            and self.administration_id is not None
            and self.administration_id == administration_id
        )


def can_edit_milestone(user, milestone: Milestone) -> bool:
    return EditRights(user).milestone(milestone)


def can_revert(user) -> bool:
    return is_secretariat(user)
