"""Seed a database for a chaos test run in other processes: ``python -m
tests.reporting.chaos_seed COUNT`` (DATABASE_URL says which database). Prints JSON with what
the test needs: the cycle, and an API token of a secretariat user for polling a page."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from secretariat.models import Role  # noqa: E402
from secretariat.tokens import token_create  # noqa: E402
from tests.factories import make_person  # noqa: E402
from tests.reporting.factories import due_now_cycle  # noqa: E402


def main(count: int) -> dict:
    secretariat = make_person("chaos.secretariat", Role.SECRETARIAT)
    cycle, _ = due_now_cycle(secretariat, count)
    _, token = token_create(user=secretariat, name="chaos poller")
    return {"cycle": cycle.pk, "token": token}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
