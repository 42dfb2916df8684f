"""Backups you can restore: the PostgreSQL database (pg_dump, custom format) and every stored
file a row points at (papers), from the local disk or the bucket.

A backup folder holds ``database.dump``, ``files/<stored name>`` and ``manifest.json`` (each
file's name, size and SHA-256, computed while copying). Restoring goes into an *empty* database
only (pg_restore never merges into live data), puts every file back into the configured
storage (disk or bucket) under its stored name, and then re-reads each file from there: its
checksum must match the manifest and, for rows that keep one (a document version's
``sha256``), the row. Any mismatch or missing file fails the restore.

Files are found through the models: every ``FileField`` of every installed model, so a new
kind of upload is backed up without touching this module. Order: the dump first, then the
files, so every row in the dump has its file (the portal never deletes a stored version).
"""

import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models

from secretariat.storage import iter_chunks

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"


class BackupError(Exception):
    pass


@dataclass
class StoredFile:
    name: str
    expected_sha256: str | None  # from the row, when the model keeps one


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def stored_files() -> Iterator[StoredFile]:
    """Every stored file a row points at, with the row's checksum where there is one."""
    for model, field in _file_fields():
        has_sha = any(f.name == "sha256" for f in model._meta.get_fields())
        columns = [field.name, "sha256"] if has_sha else [field.name]
        rows = model._default_manager.exclude(**{field.name: ""}).values_list(*columns)
        for row in rows.order_by("pk").iterator(chunk_size=500):
            yield StoredFile(name=row[0], expected_sha256=row[1] if has_sha else None)


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (password in env)."""
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups are for PostgreSQL (production). The demo's SQLite database is the file "
            f"{connection.settings_dict['NAME']}; copy it while the demo is stopped."
        )
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432),
            "--username", db["USER"] or "postgres", "--dbname", db["NAME"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is pg_dump or pg_restore with arguments from settings, never user input.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup(folder: Path, *, log=print) -> dict:
    """Write a backup into ``folder`` (created; must be empty). Returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder for each backup.")
    args, env = _pg_environment()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(folder / DUMP), *args], env)
    log(f"database: {(folder / DUMP).stat().st_size} bytes")

    storage = default_storage
    entries, problems = {}, []
    for stored in stored_files():
        if stored.name in entries:
            continue
        target = folder / FILES / stored.name
        if not target.resolve().is_relative_to((folder / FILES).resolve()):
            raise BackupError(f"refusing a stored name outside the folder: {stored.name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with target.open("wb") as out:
                for chunk in iter_chunks(storage, stored.name):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except FileNotFoundError:
            problems.append(f"missing from storage: {stored.name}")
            target.unlink(missing_ok=True)
            continue
        sha = digest.hexdigest()
        if stored.expected_sha256 and sha != stored.expected_sha256:
            problems.append(f"checksum differs from its row already in storage: {stored.name}")
        entries[stored.name] = {"sha256": sha, "size": size}
    manifest = {"format": 1, "database": DUMP, "files": entries, "problems": problems}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    log(f"files: {len(entries)} copied, {len(problems)} problem(s)")
    if problems:
        raise BackupError("; ".join(problems[:20]))
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(folder: Path, *, log=print) -> int:
    """Restore ``folder`` into the configured (empty) database and storage; verify every file.

    Returns the number of files verified. Raises ``BackupError`` on any problem.
    """
    manifest = json.loads((folder / MANIFEST).read_text())
    args, env = _pg_environment()
    if not _database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']!r} is not empty. Restore into a "
            "new database (createdb) and point DATABASE_URL at it."
        )
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args,
          str(folder / DUMP)], env)
    connection.close()  # the schema changed underneath this connection
    log("database restored")

    storage = default_storage
    for name in manifest["files"]:
        source = folder / FILES / name
        if storage.exists(name):
            storage.delete(name)  # a half-finished earlier restore; the backup is the truth
        with source.open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"storage renamed {name!r} to {saved!r}")

    problems, verified = [], 0
    for stored in stored_files():
        entry = manifest["files"].get(stored.name)
        if entry is None:
            problems.append(f"no file in the backup for {stored.name}")
            continue
        digest = hashlib.sha256()
        try:
            for chunk in iter_chunks(storage, stored.name):
                digest.update(chunk)
        except FileNotFoundError:
            problems.append(f"not in storage after restore: {stored.name}")
            continue
        sha = digest.hexdigest()
        if sha != entry["sha256"] or (stored.expected_sha256 and sha != stored.expected_sha256):
            problems.append(f"checksum mismatch: {stored.name}")
            continue
        verified += 1
    log(f"files: {verified} restored and verified, {len(problems)} problem(s)")
    if problems:
        raise BackupError("; ".join(problems[:20]))
    return verified
