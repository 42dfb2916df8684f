from django.contrib.auth.backends import ModelBackend


class PortalModelBackend(ModelBackend):
    """Django's model backend, loading the profile and affiliation with the user.

    Every request asks for the role; fetching it with the user saves a query per request.
    Inactive users are still refused (``user_can_authenticate``), so deactivating someone
    ends their sessions at their next request.
    """

    def get_user(self, user_id):
        user_model = self._get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "profile__administration", "profile__partner"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _get_user_model():
        from django.contrib.auth import get_user_model

        return get_user_model()
