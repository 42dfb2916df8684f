"""Writes of the core: people and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from secretariat.models import Administration, Partner, Profile, Role

SECRETARIAT_GROUP = "Secretariat"
PORTAL_APPS = ("secretariat", "workgroups", "reporting", "meetings", "consultations", "auth",
               "authtoken", "axes")


def secretariat_group_sync() -> Group:
    """Give the Secretariat group every permission on the portal's models (idempotent).

    Runs after each ``migrate``, so models added by later migrations are covered too.
    """
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=PORTAL_APPS))
    return group


@transaction.atomic
def person_create(
    *,
    actor,
    username: str,
    email: str,
    role: str,
    administration: Administration | None = None,
    partner: Partner | None = None,
    first_name: str = "",
    last_name: str = "",
    position: str = "",
    password: str | None = None,
):
    """Create a user with a role and affiliation. Without a password the account cannot log
    in until a password reset. Secretariat staff get the admin and the Secretariat group."""
    user_model = get_user_model()
    user = user_model(
        username=username, email=email, first_name=first_name, last_name=last_name,
        is_staff=role == Role.SECRETARIAT,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = Profile(
        user=user, role=role, administration=administration, partner=partner, position=position
    )
    profile.full_clean()
    profile.save()
    if role == Role.SECRETARIAT:
        user.groups.add(secretariat_group_sync())
    return user


def profile_set_time_zone(*, actor, time_zone: str) -> Profile:
    """Set the zone the actor's pages show times in; empty means their administration's."""
    profile = actor.profile
    profile.time_zone = time_zone
    profile.full_clean()
    profile.save(update_fields=["time_zone"])
    return profile
