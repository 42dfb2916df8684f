"""Reading stored files the same way from the local disk or an S3-compatible bucket.

``storage.open()`` is not good enough for a bucket: django-storages' ``S3File`` downloads the
whole object into a spooled buffer before the first byte is read. Downloads, meeting packs and
backups instead read the object's HTTP body chunk by chunk (constant memory); text extraction,
whose parsers need to seek, gets a temporary copy on disk.
"""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO

from django.core.files.storage import Storage

CHUNK = 256 * 1024


def is_local(storage: Storage) -> bool:
    """True when files are plain paths on this machine (``FileSystemStorage``)."""
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def _bucket_object(storage: Storage, name: str):
    from storages.utils import clean_name

    return storage.bucket.Object(storage._normalize_name(clean_name(name)))


def open_stream(storage: Storage, name: str) -> IO[bytes]:
    """A readable, non-seekable stream of the stored file; the caller closes it.

    On a bucket this is the GET response body itself, so nothing is buffered beyond the chunk
    being read. Raises ``FileNotFoundError`` when the file is gone from either kind of storage.
    """
    if is_local(storage) or not hasattr(storage, "bucket"):
        return storage.open(name, "rb")
    from botocore.exceptions import ClientError

    try:
        return _bucket_object(storage, name).get()["Body"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise FileNotFoundError(name) from exc
        raise


def iter_chunks(storage: Storage, name: str, chunk: int = CHUNK) -> Iterator[bytes]:
    with contextlib.closing(open_stream(storage, name)) as stream:
        while data := stream.read(chunk):
            yield data


@contextlib.contextmanager
def seekable_copy(storage: Storage, name: str) -> Iterator[IO[bytes]]:
    """A seekable file with the stored content: the file itself on disk, else a temp copy."""
    if is_local(storage):
        with storage.open(name, "rb") as handle:
            yield handle
        return
    with tempfile.TemporaryFile() as copy, contextlib.closing(open_stream(storage, name)) as src:
        shutil.copyfileobj(src, copy, CHUNK)
        copy.seek(0)
        yield copy
