import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse

from secretariat.access import role_of
from secretariat.models import Role

# (label, url name, roles that see it; None = everyone). Apps' pages appear once their URL
# names exist, so the menu never links to a page that is not there.
NAVIGATION = [
    ("Meetings", "meetings:list", None),
    ("Strategic Plan", "workgroups:dashboard", None),
    ("Working groups", "workgroups:body_list", None),
    ("Consultations", "consultations:schedule", None),
    ("Calendar", "consultations:year_calendar", None),
    ("My reports", "reporting:my_reports", {Role.CHAIR, Role.DELEGATE}),
    ("Reporting cycles", "reporting:cycle_list", {Role.SECRETARIAT}),
]


@functools.cache
def _menu(role, script_prefix) -> tuple:
    """(label, url) of the menu for ``role``: fixed for the process (the URLconf does not
    change), so reversed once instead of on every page (issue 14)."""
    items = []
    for label, url_name, roles in NAVIGATION:
        if roles is not None and role not in roles:
            continue
        try:
            items.append((label, reverse(url_name)))
        except NoReverseMatch:
            continue
    return tuple(items)


def _navigation(role, path):
    return [{"label": label, "url": url, "active": path.startswith(url)}
            for label, url in _menu(role, get_script_prefix())]


def portal(request):
    from secretariat import mfa
    from secretariat.access import must_use_second_factor

    role = role_of(request.user)
    return {
        "portal_role": role,
        "portal_role_label": Role(role).label if role else "Public",
        "portal_nav": _navigation(role, request.path),
        # Only in the demo (DEBUG on): say on every page that enrolment was not forced.
        "mfa_demo_notice": mfa.enforcement_skipped() and must_use_second_factor(request.user)
        and not mfa.is_verified(request),
    }
