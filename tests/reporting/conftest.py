import time

import pytest

from tests.reporting.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free loopback port; Django's mailer points at it.

    Django's test runner swaps the mailers for locmem, so the ``settings`` fixture sets the
    SMTP backend inside the test."""
    import logging

    # aiosmtpd logs every SMTP command at INFO: thousands of lines in the chaos tests.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SmtpSink()
    sink.controller.start()
    settings.MAILERS = sink.mailers()
    yield sink
    sink.controller.stop()


def wait_until(condition, timeout: float = 20.0, interval: float = 0.05):
    """Poll for work done by another thread or process (not a time-dependent test: the
    outcome does not depend on how long it takes, only that it happens)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
