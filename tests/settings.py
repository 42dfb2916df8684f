"""Settings for the test suite: the real settings module, with test-friendly environment
defaults. Nothing here changes behaviour beyond what an operator could set in the environment."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Tests talk plain HTTP to the test client and the live server, as behind a TLS proxy.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("METRICS_TOKEN", "test-metrics-token-0123456789")
os.environ.setdefault("VAR_DIR", str(Path(tempfile.gettempdir()) / "portal-test-var"))

from secretariat.settings import *  # noqa: F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns without it)

# Fast hashing: the suite creates many users. Production keeps Django's default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
