"""An upload while Redis is down: the document is saved (201 / redirect, never 500), its
text extraction is recorded as a job, and once Redis is back the sweeper queues it to a real
worker, so the paper becomes searchable without a new upload."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples, selectors
from meetings.models import Document
from secretariat import jobs
from secretariat.celery import app as celery_app
from secretariat.models import Job
from tests.reporting.conftest import wait_until
from tests.reporting.processes import PrivateRedis, broker
from tests.reporting.smtp_sink import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down():
    """Celery pointed at a port where nothing listens: every enqueue is refused."""
    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def _pdf(name: str, words: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.make_pdf(name, [words]))


def test_upload_with_redis_down_then_searchable_after_the_sweep(
        meeting, secretariat, client_for, redis_down, caplog):
    client = client_for(secretariat)
    api = client.post("/api/v1/documents/", {
        "meeting": meeting.pk, "title": "Transit report", "kind": "working_paper",
        "access_level": "public", "file": _pdf("transit.pdf", "Quarantine corridor at Moc Bai"),
    })
    form = client.post(reverse("meetings:upload", args=[meeting.pk]), {
        "files": [_pdf("seizures.pdf", "Pangolin scales intercepted at Tanjung Priok")],
        "title": "", "kind": "working_paper", "access_level": "public", "language": "en",
        "embargo_level": "members",
    })

    assert api.status_code == 201
    assert form.status_code == 302
    assert Document.objects.count() == 2
    pending = list(Job.objects.values_list("state", "enqueued_at"))
    assert pending == [("pending", None), ("pending", None)]
    assert any(r.levelname == "ERROR" and "Could not queue" in r.getMessage()
               for r in caplog.records)
    assert selectors.search(secretariat, "pangolin").documents == []

    redis = PrivateRedis()
    redis.start()
    try:
        with broker(redis.url), start_worker(celery_app, perform_ping_check=False,
                                             shutdown_timeout=30):
            assert jobs.sweep() == 2
            assert wait_until(lambda: Job.objects.filter(state="done").count() == 2)
    finally:
        redis.stop()
    titles = {d.title for d in selectors.search(secretariat, "pangolin").documents}
    assert titles == {"seizures"}
    assert [d.title for d in selectors.search(secretariat, "corridor").documents] == [
        "Transit report"]
    assert jobs.sweep() == 0
