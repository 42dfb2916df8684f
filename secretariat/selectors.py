from secretariat.models import Administration


def administrations_with_names():
    """All administrations with their name history, ready for ``name_on()`` without N+1."""
    return Administration.objects.with_names().order_by("country")


def rotation_after(current: Administration | None, on) -> Administration | None:
    """The member that follows ``current`` in the English alphabetical order of member names,
    among the members on ``on`` (observers do not host).

    Hosts (and so DG chairs) have followed that order (Myanmar 2020 … Viet Nam 2024, Brunei
    2025): an observation, not a rule, so callers offer it as an overridable proposal and mark
    what they store from it as inferred.
    """
    if current is None:
        return None
    members = list(Administration.objects.members_on(on).order_by("country"))
    if current not in members:
        members.append(current)
        members.sort(key=lambda m: m.country)
    if len(members) < 2:
        return None
    return members[(members.index(current) + 1) % len(members)]
