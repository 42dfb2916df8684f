"""Who may do what: the role rules every view, API endpoint and selector asks.

One place for each rule, so a permission test of this module speaks for the whole portal.
"""

from enum import IntEnum

from secretariat.models import Role
from secretariat.slots import Slot


class Clearance(IntEnum):
    """How far a person can see, from the public web to the secretariat's restricted papers."""

    PUBLIC = 0
    PARTNERS = 1
    MEMBERS = 2
    RESTRICTED = 3


def profile_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "profile", None)


def role_of(user) -> str | None:
    """The user's role, or None for anonymous visitors (the public).

    A superuser created with ``createsuperuser`` has no profile and counts as secretariat.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    return Role.SECRETARIAT if user.is_superuser else None


def is_secretariat(user) -> bool:
    return role_of(user) == Role.SECRETARIAT


def is_member_staff(user) -> bool:
    """Chair-country staff and delegates: people of a member administration."""
    return role_of(user) in {Role.CHAIR, Role.DELEGATE}


# --- Chairing (issue 11) ---------------------------------------------------------------------
# Who may *run* a body's business (edit conference and Strategic Plan content, prepare and
# convene meetings) is not a role: it follows the dated chair terms and is computed at the
# moment of each act by ``workgroups.access.ChairRights`` / ``may_run_body``. The "chair" role
# label gives no right by itself; its staff read like any member administration's.
# ---------------------------------------------------------------------------------------------


def administration_id_of(user) -> int | None:
    profile = profile_of(user)
    return profile.administration_id if profile else None


def partner_id_of(user) -> int | None:
    profile = profile_of(user)
    return profile.partner_id if profile else None


def clearance_of(user) -> Clearance:
    """The widest document access level the role grants by itself.

    Heads of delegation reach ``RESTRICTED`` papers of their own meetings; that per-meeting
    rule belongs to ``meetings``, which raises this baseline where it applies.
    """
    role = role_of(user)
    if role == Role.SECRETARIAT:
        return Clearance.RESTRICTED
    if role in {Role.CHAIR, Role.DELEGATE}:
        return Clearance.MEMBERS
    if role == Role.PARTNER:
        return Clearance.PARTNERS
    return Clearance.PUBLIC


# --- Second factor (issue 10) -------------------------------------------------------------------
# The core decides for the secretariat and the admin; whether someone holds a chair is known
# only to ``workgroups`` (dated ``BodyChairTerm`` rows), which the core cannot import. So
# ``workgroups`` registers a rule here in its ``AppConfig.ready``: ``rule(user) -> bool``,
# asked at the moment of each login and request, like every other time-dependent right.
SECOND_FACTOR_RULES = Slot("second-factor rules")
register_second_factor_rule = SECOND_FACTOR_RULES.register


def must_use_second_factor(user) -> bool:
    """Who must have a second factor before reaching any page: the secretariat, anyone who
    can open the Django admin (``is_staff``/superuser), and chair-country staff: the staff
    of an administration that holds a chair term at this instant (the rule ``workgroups``
    registers). The "chair" role label alone requires nothing: a former chair's staff read
    like delegates and log in like them. Everyone else may enrol; once enrolled, they are
    asked for it too (``secretariat.mfa``).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser or role_of(user) == Role.SECRETARIAT:
        return True
    return any(rule(user) for rule in SECOND_FACTOR_RULES)
