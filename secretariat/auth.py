from django.contrib.auth.backends import ModelBackend
from django.core.cache.backends.locmem import LocMemCache

from secretariat.dataversion import DataVersion

# The accounts' data version: every save or delete of a user, a profile, an administration or a
# partner (the rows loaded with each request's user), or of a second-factor device (whether a
# person has one, ``secretariat.mfa``), makes every process's copy unreachable.
ACCOUNTS = DataVersion("accounts")
# This process's copies of loaded users. A local-memory cache pickles what it keeps, so each
# request gets objects of its own: nothing one request sets on its user (a permission cache)
# reaches the next. Never in Redis: a user row carries the password hash.
_loaded_users = LocMemCache("secretariat-users", {"TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 2000}})


class PortalModelBackend(ModelBackend):
    """Django's model backend, loading the profile and affiliation with the user.

    Every request asks for the role; fetching it with the user saves a query per request, and
    keeping the loaded rows in this process until the accounts' data version changes saves the
    remaining one (issue 14). Inactive users are still refused (``user_can_authenticate``), so
    deactivating someone (a save, which moves the version) ends their sessions at their next
    request on every process.
    """

    def get_user(self, user_id):
        version = ACCOUNTS.current()
        key = f"{version}:{user_id}"
        user = _loaded_users.get(key) if version else None
        if user is None:
            user = self._load(user_id)
            if user is None:
                return None
            if version:
                _loaded_users.set(key, user)
        return user if self.user_can_authenticate(user) else None

    def _load(self, user_id):
        user_model = self._get_user_model()
        try:
            return user_model._default_manager.select_related(
                "profile__administration", "profile__partner"
            ).get(pk=user_id)
        except (user_model.DoesNotExist, ValueError, TypeError):
            return None

    @staticmethod
    def _get_user_model():
        from django.contrib.auth import get_user_model

        return get_user_model()


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from secretariat.models import Administration, Partner, Profile

    ACCOUNTS.connect([get_user_model(), Profile, Administration, Partner, TOTPDevice,
                      StaticDevice])
