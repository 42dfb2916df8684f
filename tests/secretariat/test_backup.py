"""Backups you can restore (issue 15): `make backup` then `make restore` into an empty
database and empty storage, from the disk and from the bucket, every paper's checksum intact.

Given committed documents with versions in the source storage; when `make backup` runs against
the test database and `make restore` against a new empty database with empty storage; then the
restored database has every version row and every restored file hashes to its row's SHA-256.
"""

import hashlib
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from meetings import samples
from meetings.models import DocumentVersion
from tests.meetings.factories import DocumentFactory, MeetingFactory, add_version
from tests.reporting.processes import database_url_for_tests

pytestmark = pytest.mark.chaos


def _admin_dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} " \
           f"dbname=postgres"


@pytest.fixture
def empty_database():
    """A throwaway database of this test's own, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url_for_tests().rsplit("/", 1)[0] + f"/{name}"
    yield name, url
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _make(target: str, env: dict[str, str], **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", target,
         *(f"{k}={v}" for k, v in variables.items())],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def _papers() -> dict[str, str]:
    meeting = MeetingFactory()
    DocumentFactory(meeting=meeting, title="Agenda")
    annex = DocumentFactory(meeting=meeting, title="Annex",
                            file=samples.make_docx("Annex", ["AEO"]), file__filename="annex.docx")
    add_version(annex, samples.make_pdf("Annex v2", ["AEO mutual recognition"]), "annex-v2.pdf")
    return dict(DocumentVersion.objects.values_list("file", "sha256"))


def _restored_rows(url: str) -> dict[str, str]:
    with psycopg.connect(url) as restored:
        return dict(restored.execute(
            "SELECT file, sha256 FROM meetings_documentversion").fetchall())


@pytest.mark.parametrize("where", ["disk", "bucket"])
def test_backup_restores_into_an_empty_database_with_every_checksum(
        where, transactional_db, tmp_path, settings, empty_database, request):
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
                "SECRET_KEY": settings.SECRET_KEY}
    if where == "bucket":
        moto = request.getfixturevalue("moto_server")
        source_bucket = request.getfixturevalue("bucket_storage")  # this process writes there
        target_bucket = moto.new_bucket()
        source_env = {**base_env, **moto.environment(),
                      "STORAGE_URL": moto.storage_url(source_bucket)}
        target_env = {**base_env, **moto.environment(),
                      "STORAGE_URL": moto.storage_url(target_bucket)}
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
        source_env = {**base_env, "MEDIA_ROOT": str(tmp_path / "media")}
        target_env = {**base_env, "MEDIA_ROOT": str(tmp_path / "restored-media")}
    papers = _papers()
    assert len(papers) == 3
    folder = tmp_path / "backup"

    done = _make("backup", {**source_env, "DATABASE_URL": database_url_for_tests()}, BACKUP=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    _, url = empty_database
    back = _make("restore", {**target_env, "DATABASE_URL": url}, BACKUP=folder)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "3 restored and verified, 0 problem(s)" in back.stdout

    # Checked here too, independently of the command's own verification.
    assert _restored_rows(url) == papers
    for stored, sha in papers.items():
        if where == "bucket":
            body = moto.client().get_object(Bucket=target_bucket, Key=stored)["Body"].read()
        else:
            body = (tmp_path / "restored-media" / stored).read_bytes()
        assert hashlib.sha256(body).hexdigest() == sha

    # Restoring again over the now non-empty database is refused, and says why.
    again = _make("restore", {**target_env, "DATABASE_URL": url}, BACKUP=folder)
    assert again.returncode != 0
    assert "is not empty" in again.stderr


def test_a_damaged_file_fails_the_restore(transactional_db, tmp_path, settings,
                                          empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    papers = _papers()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "SECRET_KEY": settings.SECRET_KEY}
    folder = tmp_path / "backup"
    done = _make("backup", {**env, "DATABASE_URL": database_url_for_tests(),
                            "MEDIA_ROOT": str(tmp_path / "media")}, BACKUP=folder)
    assert done.returncode == 0, done.stderr
    damaged = next(iter(papers))
    (folder / "files" / damaged).write_bytes(b"%PDF-1.4 bit rot")

    _, url = empty_database
    back = _make("restore", {**env, "DATABASE_URL": url,
                             "MEDIA_ROOT": str(tmp_path / "restored")}, BACKUP=folder)
    assert back.returncode != 0
    assert f"checksum mismatch: {damaged}" in back.stderr
    assert Path(folder / "manifest.json").exists()
