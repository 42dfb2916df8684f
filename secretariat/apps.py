from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_secretariat_group(**kwargs):
    from secretariat.services import secretariat_group_sync

    secretariat_group_sync()


class SecretariatConfig(AppConfig):
    name = "secretariat"
    verbose_name = "Secretariat core"

    def ready(self):
        from secretariat import security_log, tokens  # noqa: F401  (connect signal receivers)

        post_migrate.connect(_sync_secretariat_group, sender=self)
        from secretariat import auth, home

        auth.connect_signals()  # the loaded users' cache (issue 14)
        home.connect_signals()
        # Outbox preparers and jobs register themselves in each app's ``notices`` and
        # ``jobs`` modules; import them all so web and worker processes know every one.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("notices", "jobs")
        # /metrics (issue 15): shared series, and task counts from whichever process runs them.
        from secretariat import metrics

        metrics.register_collector()
        metrics.connect_task_signals()
