"""Who may see and change Strategic Plan content, and who runs a body's business.

Role rules come from ``secretariat.access``; this module adds what depends on the chair terms
(``BodyChairTerm``). Chairing is never a label on an account: it is computed here, at the
instant of each act, from the dated terms, so an administration's rights end with its term
without anyone remembering to remove them (STYLE.md "Rules that depend on time").

- The **secretariat** runs everything.
- Staff of the administration that **chairs the DG meeting** at that instant run the DG
  meeting's business (its meetings, the consultations beside them) and edit the whole
  Strategic Plan.
- Staff of the administration that **chairs a body** run that body's meetings and edit its
  milestones.
- Everyone else reads. An account labelled "chair" whose administration chairs nothing reads
  like a delegate.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from secretariat import request_memo
from secretariat.access import administration_id_of, is_member_staff, is_secretariat, role_of
from secretariat.models import Role
from secretariat.request_memo import memo
from workgroups.caching import PLAN
from workgroups.models import Body, BodyChairTerm, ChairRole, Milestone

MEMBER_ROLES = {Role.SECRETARIAT, Role.CHAIR, Role.DELEGATE}
def sees_unpublished(user) -> bool:
    """Member administrations and the secretariat see the whole plan; partners and the
    public only the summary the secretariat publishes."""
    return role_of(user) in MEMBER_ROLES


def term_day(at: dt.datetime | dt.date | None = None) -> dt.date:
    """The calendar day a chair term is judged on: the day at the ASEAN Secretariat.

    Terms are stored as dates (``start_on`` to ``end_on``, both inclusive); an instant is
    turned into a date in one zone for everyone, so two administrations never both hold, or
    both lack, the chair at the same moment.
    """
    if isinstance(at, dt.datetime):
        return at.astimezone(zoneinfo.ZoneInfo(settings.PORTAL_DEFAULT_TIME_ZONE)).date()
    if isinstance(at, dt.date):
        return at
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.PORTAL_DEFAULT_TIME_ZONE)).date()


@dataclass(frozen=True)
class HeldTerm:
    body_id: int
    body_code: str
    body_name: str
    body_kind: str
    end_on: dt.date | None


def held_terms(user, at=None) -> list[HeldTerm]:
    """The chair terms the user's administration holds at ``at`` (one query, or none)."""
    adm_id = administration_id_of(user)
    if adm_id is None or not is_member_staff(user):
        return []
    day = term_day(at)

    def rows() -> tuple:
        return tuple(
            BodyChairTerm.objects.current_on(day)
            .filter(administration_id=adm_id, role=ChairRole.CHAIR)
            .order_by("body__code")
            .values_list("body_id", "body__code", "body__name", "body__kind", "end_on")
        )

    def terms() -> list[HeldTerm]:
        # Reading pages (GET/HEAD): terms are dated rows covered by the plan's data version,
        # cached per administration and day (a term starts and ends with a day at the
        # Secretariat, ``term_day``), so the answer is the database's at this instant
        # without a query on most requests. A write (and a service or task outside a
        # request) decides from the database itself.
        if not request_memo.active():
            return [HeldTerm(*row) for row in rows()]
        return [HeldTerm(*row) for row in PLAN.cached(("held_terms", adm_id, day), rows)]

    # The page, its panels and its sections all ask: computed once per request (GET/HEAD).
    return list(memo(("held_terms", adm_id, day), terms))


def chaired_body_ids(user, day: dt.date | dt.datetime | None = None) -> set[int]:
    """Bodies whose chair at that moment is the user's administration."""
    return {term.body_id for term in held_terms(user, day)}


class ChairRights:
    """What one user may run at one instant, computed once (one query) so that a list of
    2,000 rows asks no question per row. Every page, API view, selector and service that
    decides "may this user run this body's business" asks this class (or ``may_run_body``).
    """

    def __init__(self, user, at=None):
        self.role = role_of(user)
        self.administration_id = administration_id_of(user)
        self.secretariat = is_secretariat(user)
        self.day = term_day(at)
        self.terms = [] if self.secretariat else held_terms(user, self.day)
        self.body_ids = {t.body_id for t in self.terms}
        self.dg_chair = any(t.body_kind == Body.Kind.DG_MEETING for t in self.terms)

    def runs(self, body_id: int | None) -> bool:
        """Meetings of the body: authoring, papers, convening."""
        return self.secretariat or (body_id is not None and body_id in self.body_ids)

    def runs_conference(self) -> bool:
        """The DG meeting's own business: consultations with the dialogue partners."""
        return self.secretariat or self.dg_chair

    def runs_anything(self) -> bool:
        return self.secretariat or bool(self.body_ids)

    def edits_plan_of(self, body_id: int) -> bool:
        """Strategic Plan content owned by the body: the DG chair edits the whole plan."""
        return self.secretariat or self.dg_chair or body_id in self.body_ids


def holds_chair_term(user, at=None) -> bool:
    """Is ``user`` chair-country staff at ``at`` (now by default): staff of an administration
    holding a chair term of any body? Such people must use a second factor
    (``secretariat.access.must_use_second_factor``); the answer changes with the terms."""
    return bool(held_terms(user, at))


def may_run_body(user, body_id: int | None, at=None) -> bool:
    """May ``user`` run this body's business at instant ``at`` (now by default)?"""
    return ChairRights(user, at).runs(body_id)


class EditRights:
    """What one user may edit in the Strategic Plan, computed once per request."""

    def __init__(self, user, day: dt.date | dt.datetime | None = None):
        self.chair = ChairRights(user, day)
        self.role = self.chair.role
        self.administration_id = self.chair.administration_id
        self.secretariat = self.chair.secretariat
        # The secretariat and the DG chair's staff edit every milestone; the chair of a body
        # that body's; everyone else none.
        self.all_milestones = self.secretariat or self.chair.dg_chair
        self.body_ids = self.chair.body_ids

    def milestone(self, milestone: Milestone) -> bool:
        return self.chair.edits_plan_of(milestone.body_id)

    def any_milestone(self) -> bool:
        return self.all_milestones or bool(self.body_ids)

    def body(self, body_id: int) -> bool:
        return self.chair.edits_plan_of(body_id)

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


def rights_for(request) -> EditRights:
    """The request's rights, computed once: a page and the panels other apps add to it share
    one chair-terms query. A request is one instant, so one answer holds for all of it."""
    rights = getattr(request, "_portal_edit_rights", None)
    if rights is None:
        rights = EditRights(request.user)
        request._portal_edit_rights = rights
    return rights


def can_edit_milestone(user, milestone: Milestone) -> bool:
    return EditRights(user).milestone(milestone)


def can_revert(user) -> bool:
    return is_secretariat(user)


def chair_lines(request) -> list[str]:
    """The profile's "Chairing" lines: "Chair of the DG meeting until 31 May 2027"."""
    lines = []
    for term in rights_for(request).chair.terms:
        dg = term.body_kind == Body.Kind.DG_MEETING
        name = "the DG meeting" if dg else f"the {term.body_code}"
        until = (f"until {term.end_on.day} {term.end_on:%B %Y}" if term.end_on
                 else "while the term runs (no end date yet)")
        lines.append(f"Chair of {name} {until}")
    return lines


def me_chairs(request) -> dict:
    """``chairs`` in ``GET /api/v1/me/``: the terms held at this instant."""
    return {"chairs": [
        {"body": t.body_code, "until": t.end_on.isoformat() if t.end_on else None}
        for t in rights_for(request).chair.terms
    ]}
