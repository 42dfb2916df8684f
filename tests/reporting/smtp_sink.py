"""A real SMTP server for the tests (aiosmtpd in a thread), recording what it accepts.

``script`` holds replies to give instead of accepting, one per DATA command (e.g. ``"421 4.3.2
Try again later"``); when it is empty every message is accepted with 250.
"""

import asyncio
import email
import socket
import threading
import time
from collections import Counter, deque
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.script: deque[str] = deque()
        self.refused: list[str] = []
        # Addresses answered "550" at RCPT TO (a mailbox that does not exist).
        self.refuse_rcpt: set[str] = set()
        self.lock = threading.Lock()
        # Seconds to wait before accepting each recipient: widens the time a sender spends
        # in the SMTP conversation before the message exists, so a kill lands mid-send.
        self.rcpt_delay = 0.0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address.lower() in self.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        with self.lock:
            if self.script:
                reply = self.script.popleft()
                self.refused.append(message["Message-ID"].strip())
                return reply
            message.envelope_to = list(envelope.rcpt_tos)
            message.accepted_at = time.time()
            self.messages.append(message)
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"].strip() for m in self.messages]

    def accepted_at(self, message_id: str) -> list[float]:
        with self.lock:
            return [m.accepted_at for m in self.messages
                    if m["Message-ID"].strip() == message_id]

    def duplicates(self) -> dict[str, int]:
        return {k: v for k, v in Counter(self.message_ids).items() if v > 1}

    def mailers(self, timeout: int = 5) -> dict:
        return {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
        }}

    def env(self) -> dict[str, str]:
        """Environment for a worker subprocess (settings read EMAIL_* from it)."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port),
                "EMAIL_USE_TLS": "false", "EMAIL_TIMEOUT": "5"}
