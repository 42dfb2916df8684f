from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secretariat.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database (pg_dump, custom format) and every stored file "
            "(papers, from the disk or the bucket) into a new folder.")

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="A new, empty folder.")

    def handle(self, *args, to: Path, **options):
        try:
            backup(to, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {to}"))
