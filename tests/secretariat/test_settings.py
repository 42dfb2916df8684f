"""Settings come from the environment; junk values and a missing secret stop the start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from secretariat.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def run_django(args, **env):
    """Run manage.py in a clean environment holding only ``env`` (plus PATH)."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "secretariat.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("0", False), ("YES", True), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


def test_env_bool_refuses_junk(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_env_int_refuses_junk_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("N", 1, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(["check"], DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_with_embedded_defaults(tmp_path):
    """The demo needs nothing: SQLite under VAR_DIR and no Redis."""
    result = run_django(["check"], DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_deploy_check_passes_with_production_settings(tmp_path):
    """T1: ``check --deploy`` is clean with DEBUG off and a real-looking secret."""
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-dummy-but-long-enough-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="portal.asean-customs.example",
        EMAIL_HOST="smtp.asean-customs.example",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_smtp_is_used_whenever_an_email_host_is_set(tmp_path):
    code = (
        "from django.conf import settings;"
        "m = settings.MAILERS['default'];"
        "print(m['BACKEND'], m['OPTIONS']['host'], m['OPTIONS']['timeout'])"
    )
    result = run_django(
        ["shell", "-v", "0", "-c", code],
        DEBUG="true", EMAIL_HOST="smtp.example.org", VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend",
                                     "smtp.example.org", "10"]


def test_without_redis_tasks_run_in_process_and_the_cache_is_local(tmp_path):
    code = (
        "from django.conf import settings;"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CACHES['default']['BACKEND'])"
    )
    result = run_django(["shell", "-v", "0", "-c", code], DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.stdout.split() == ["True", "django.core.cache.backends.locmem.LocMemCache"]


@pytest.mark.django_db
def test_migrate_creates_no_user_with_a_default_password():
    """T1: no account exists after migrate; demo accounts come only from load_demo."""
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 0


def test_celery_is_configured_for_at_least_once_delivery_and_fast_failure():
    from secretariat.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.broker_transport_options["socket_timeout"] <= 5
    assert conf.broker_url.startswith("redis://")
    for name, entry in conf.beat_schedule.items():
        assert entry["options"]["expires"] < entry["schedule"], name


def test_migrations_can_be_checked_without_a_secret(tmp_path):
    """A code-generation command needs no secret; serving commands still refuse (above)."""
    result = run_django(["makemigrations", "--check", "--dry-run"], VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
