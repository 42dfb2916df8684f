"""Benchmark: serve a large file (default 200 MB) through the download path and the meeting
pack, and report the serving process's peak memory. Not a test: it writes a big temporary file.

    DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_download_memory
"""

import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand
from django.utils import timezone

from meetings import delivery
from meetings.models import AccessLevel, Document, DocumentVersion

MB = 1024 * 1024


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Measure memory while streaming a large document and a meeting pack."

    def add_arguments(self, parser):
        parser.add_argument("--size-mb", type=int, default=200)

    def handle(self, *args, size_mb: int, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "big.pdf"
            with path.open("wb") as handle:
                handle.write(b"%PDF-1.4\n")
                block = os.urandom(MB)
                for _ in range(size_mb):
                    handle.write(block)
            # Unsaved rows: the benchmark exercises the streaming path, not the database.
            document = Document(pk=1, title="Big", access_level=AccessLevel.MEMBERS)
            version = DocumentVersion(
                document=document, number=1, original_filename="Big paper.pdf",
                size=path.stat().st_size, content_type="application/pdf",
                uploaded_at=timezone.now(),
            )
            version.file.storage = FileSystemStorage(location=folder)
            version.file.name = "big.pdf"
            document.current_version = version

            for label, make in [
                ("download", lambda: delivery.version_response(document, version)),
                ("meeting pack", lambda: delivery.pack_response(
                    "pack.zip", delivery.pack_entries([document]))),
            ]:
                rss_before = _rss_mb()
                tracemalloc.start()
                started = time.perf_counter()
                response = make()
                sent = 0
                peak_rss = rss_before
                for chunk in response.streaming_content:
                    sent += len(chunk)
                    peak_rss = max(peak_rss, _rss_mb())
                response.close()
                _, peak_traced = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                self.stdout.write(
                    f"{label}: {sent / MB:.0f} MB sent in {time.perf_counter() - started:.1f} s; "
                    f"RSS {rss_before:.0f} -> peak {peak_rss:.0f} MB "
                    f"(+{peak_rss - rss_before:.1f} MB); Python allocations peak "
                    f"{peak_traced / MB:.2f} MB"
                )
