"""Typed readers for settings taken from the environment.

Each reader refuses junk instead of guessing: a typo in ``DEBUG=ture`` must stop the
process at start-up, not silently run production in debug mode.
"""

import os
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_STORAGE_QUERY_KEYS = {"endpoint_url", "region"}


def parse_storage_url(url: str, *, bucket: str = "", endpoint_url: str = "",
                      region: str = "") -> dict:
    """The ``STORAGES["default"]`` entry for papers: an S3-compatible bucket or the local disk.

    ``s3://bucket/prefix?endpoint_url=...&region=...``; a bucket named on its own (the AWS_*
    form) works the same. The bucket stays private: no ACL is ever sent (the bucket's own policy
    governs, and it must not be public) and files are never handed out by bucket URL.
    """
    prefix = ""
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ImproperlyConfigured(
                f"STORAGE_URL={url!r} is not an s3://<bucket>[/<prefix>] URL."
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - _STORAGE_QUERY_KEYS
        if unknown:
            raise ImproperlyConfigured(
                f"STORAGE_URL has unknown options {sorted(unknown)}; "
                f"allowed: {sorted(_STORAGE_QUERY_KEYS)}."
            )
        bucket, prefix = parts.netloc, parts.path.strip("/")
        endpoint_url = query.get("endpoint_url", endpoint_url)
        region = query.get("region", region)
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if endpoint_url and urlsplit(endpoint_url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"S3 endpoint {endpoint_url!r} must be an http(s) URL.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "default_acl": None,
            # Names are random already; never silently rename or overwrite.
            "file_overwrite": False,
            # Reads that go through storage.open() spill to disk past 5 MB (0 = all in memory).
            "max_memory_size": 5 * 1024 * 1024,
            # Signed URLs are not used to deliver papers; keep any that are made short-lived.
            "querystring_expire": 60,
        },
    }
