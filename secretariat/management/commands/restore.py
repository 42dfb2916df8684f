from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secretariat.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup folder into the configured database, which must be empty, and "
            "storage; then check every file's checksum.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path)

    def handle(self, *args, source: Path, **options):
        try:
            count = restore(source, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored; {count} file(s) verified"))
