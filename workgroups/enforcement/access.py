"""The enforcement clearance: the one rule every page, API endpoint, export, panel and notice
of this app asks before touching a seizure report.

It is a per-person flag (an ``EnforcementContact`` row the secretariat creates), not a role:
a delegate, a head of delegation or chair-country staff without the flag sees no row, count
or title of seizure data. The flag holds only while the person is active staff of the
administration it was given for, so a person who moves or is re-roled loses it at once.
"""

from secretariat.access import administration_id_of, is_member_staff, is_secretariat

_CACHE_ATTR = "_sees_seizures"


def sees_seizures(user) -> bool:
    """Secretariat staff, and enforcement contacts designated for their own administration.

    Asked many times per request (page, panels, menu), so the answer is kept on the user
    object, which lives for one request.
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from workgroups.enforcement.models import EnforcementContact

    if is_secretariat(user):
        answer = True
    elif is_member_staff(user):
        # The flag is personal, so cached per person (and administration: it holds only for
        # the one it was given for) for the enforcement data version, which every change of
        # a contact row replaces.
        from workgroups.enforcement.caching import ENFORCEMENT

        adm_id = administration_id_of(user)
        answer = ENFORCEMENT.cached(
            ("sees-seizures", user.pk, adm_id),
            lambda: EnforcementContact.objects.filter(user=user, administration_id=adm_id)
            .exists())
    else:
        answer = False
    if getattr(user, "is_authenticated", False):
        setattr(user, _CACHE_ATTR, answer)
    return answer


def forget(user) -> None:
    """Drop the per-request answer (after the secretariat changes the flag)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def may_file_for(user, administration_id: int) -> bool:
    """Cleared contacts file and amend their own administration's reports; the secretariat
    any administration's (e.g. from a paper report)."""
    if not sees_seizures(user):
        return False
    return is_secretariat(user) or administration_id_of(user) == administration_id


def may_release_statistics(user) -> bool:
    return is_secretariat(user)
