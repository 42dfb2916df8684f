from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Fill the portal with demo data from the domain facts (idempotent). Each app's "
        "demo.load(out) runs in dependency order."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Load even when DEBUG is off (creates accounts with the demo password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with a known password. "
                "Use --force if this really is a demo server."
            )
        with transaction.atomic():
            for config in apps.get_app_configs():
                if config.name in settings.INSTALLED_APPS and module_has_submodule(
                    config.module, "demo"
                ):
                    self.stdout.write(f"{config.verbose_name}:")
                    import_module(f"{config.name}.demo").load(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
