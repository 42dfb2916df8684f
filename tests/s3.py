"""A real S3-compatible server on loopback for the storage tests: moto's standalone server.

It runs as its own process (``python -m moto.server``) on a free port and is spoken to over
HTTP by boto3 exactly like a bucket in production; nothing in the portal is patched.
"""

import contextlib
import subprocess
import sys
import time
import urllib.request
import uuid

from tests.reporting.smtp_sink import free_port

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"  # moto accepts any key; this one is only for tests
REGION = "us-east-1"


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)  # noqa: S310
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("moto server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.url, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        """A fresh private bucket (no ACL given: owner-only, as S3 creates them)."""
        name = f"papers-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def environment(self) -> dict[str, str]:
        """Variables a portal process needs to use this server (credentials read by boto3)."""
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_DEFAULT_REGION": REGION}

    def storage_url(self, bucket: str) -> str:
        return f"s3://{bucket}?endpoint_url={self.url}&region={REGION}"
