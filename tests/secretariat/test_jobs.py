"""Jobs recorded with the write: queued after commit, coalesced by key, retried, swept."""

import datetime as dt
import logging

import pytest
from django.db import transaction

from secretariat import claims, jobs
from secretariat.models import DeliveryState, Job
from secretariat.tasks import run_job

pytestmark = pytest.mark.django_db

RUNS: list[dict] = []


@jobs.job("tests.record", max_attempts=2)
def record(**kwargs):
    if kwargs.get("explode"):
        raise RuntimeError("boom")
    RUNS.append(kwargs)


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()


def test_recorded_in_the_transaction_and_run_once():
    with transaction.atomic():
        row = jobs.enqueue("tests.record", document_id=7)
    assert Job.objects.get().state == DeliveryState.PENDING

    assert jobs.run(row.pk).state == DeliveryState.DONE
    assert jobs.run(row.pk).state == "busy"  # a redelivery runs nothing
    assert RUNS == [{"document_id": 7}]
    row.refresh_from_db()
    assert row.state == DeliveryState.DONE and row.finished_at and row.attempts == 1


def test_rolled_back_write_leaves_no_job():
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue("tests.record", document_id=7)
        raise RuntimeError("the write failed")
    assert not Job.objects.exists()


def test_same_key_is_coalesced_while_pending():
    first = jobs.enqueue("tests.record", key="doc-7", document_id=7)
    again = jobs.enqueue("tests.record", key="doc-7", document_id=7)
    assert first.pk == again.pk

    claims.claim(Job, first.pk, now=dt.datetime.now(dt.UTC))  # now running
    later = jobs.enqueue("tests.record", key="doc-7", document_id=7)
    assert later.pk != first.pk  # a running job does not absorb a newer write


def test_unknown_job_name_fails_at_the_write():
    with pytest.raises(KeyError):
        jobs.enqueue("tests.no-such-job")


def test_failing_job_is_retried_then_failed(caplog):
    row = jobs.enqueue("tests.record", explode=True)
    start = dt.datetime.now(dt.UTC)

    assert jobs.run(row.pk, now=start).state == DeliveryState.PENDING
    row.refresh_from_db()
    with caplog.at_level(logging.ERROR, logger="secretariat.jobs"):
        assert jobs.run(row.pk, now=row.due_at).state == DeliveryState.FAILED
    row.refresh_from_db()
    assert row.attempts == 2 and "boom" in row.last_error
    assert any(r.levelname == "ERROR" and r.name == "secretariat.jobs" for r in caplog.records)


def test_sweeper_offers_jobs_the_broker_never_got(settings, monkeypatch, caplog):
    """Given a broker that refuses the enqueue, the row stays with no ``enqueued_at`` and one
    ERROR is logged; once the broker is back the sweeper queues it, and only once."""
    row = jobs.enqueue("tests.record", document_id=1)
    queued = []

    def refuse(pk):
        raise ConnectionError("broker down")

    monkeypatch.setattr(run_job, "delay", refuse)
    with caplog.at_level(logging.ERROR, logger="secretariat.claims"):
        assert jobs.sweep() == 0
    assert Job.objects.get(pk=row.pk).enqueued_at is None
    assert any(r.name == "secretariat.claims" and r.levelname == "ERROR"
               for r in caplog.records)

    monkeypatch.setattr(run_job, "delay", queued.append)
    assert jobs.sweep() == 1
    assert jobs.sweep() == 0  # just queued: left to that task until a lease has passed
    assert queued == [row.pk]
