"""T4: every route, method and role answers as the matrix in ``tests/route_matrix.py`` says.

The test walks the URL resolver, so a new route without a matrix row fails it: whoever adds a
route decides, in one reviewed table, who may reach it. Objects in the URLs come from the demo
data and are chosen to be sensitive (an unpublished milestone, a restricted paper, another
administration's report, an unpublished consultation).

To print the table as the code behaves now (then review every changed cell before pasting it):
``MATRIX_PRINT=1 pytest tests/test_route_matrix.py -s``.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from secretariat.models import Partner, Role
from tests.factories import make_person
from tests.route_matrix import EXPECTED
from tests.route_matrix_harness import ROLES, USERNAMES, concrete, demo_objects, walk

METHODS = ("get", "post")


@pytest.fixture
def demo_users(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    make_person("partner.japan-customs", Role.PARTNER,
                partner=Partner.objects.get(slug="japan-customs"))
    users = get_user_model().objects
    return {role: users.get(username=name) for role, name in USERNAMES.items()}


def test_every_route_has_a_matrix_row():
    routes = {name for name, _ in walk()}
    assert sorted(routes - set(EXPECTED)) == [], "routes without a row in tests/route_matrix.py"
    assert sorted(set(EXPECTED) - routes) == [], "rows for routes that no longer exist"


def test_each_role_gets_the_status_the_matrix_says(client, demo_users):
    objects = demo_objects()
    mismatches, printed = [], []
    for name, route in walk():
        actual = []
        for method in METHODS:
            statuses = []
            for role in ROLES:
                client.logout()
                if role != "anonymous":
                    client.force_login(demo_users[role])
                url = concrete(name, route, objects)
                statuses.append(getattr(client, method)(url).status_code)
            actual.append(statuses)
        printed.append(f'    "{name}": ({actual[0]}, {actual[1]}),')
        expected = EXPECTED.get(name)
        if expected is None:
            continue
        for method, want, got in zip(METHODS, expected, actual, strict=True):
            for role, w, g in zip(ROLES, want, got, strict=True):
                if w != g:
                    mismatches.append(f"{method.upper()} {name} as {role}: {g}, expected {w}")
    if os.environ.get("MATRIX_PRINT"):
        print("\n".join(printed))
    assert mismatches == []
    assert len(printed) * len(METHODS) * len(ROLES) >= 500  # the matrix is the whole portal


# --- The NUL-byte column (issue 10) ---------------------------------------------------------

NUL_QUERY = "?q=%00&body=%00&page=%00&year=%00&status=%00&next=%00&alarm=%00"
NUL_FORM = {"title": "\x00", "comment": "\x00", "q": "\x00", "username": "a\x00",
            "code": "\x00", "digest": "\x00"}


def _nul_objects(objects: dict) -> dict:
    """The same objects, with every string path parameter replaced by a NUL byte."""
    return {**objects, "code": "%00", "national_code": "%00", "partner_slug": "%00",
            "feed_token": lambda: "%00"}


# Four roles cover each kind of access (none, member, partner, full) at a third of the cost.
NUL_ROLES = ("anonymous", "delegate", "partner", "secretariat")


def test_nul_bytes_in_paths_queries_and_forms_never_give_500(client, demo_users):
    """Every route, a role of each kind: a NUL in the query string, in each string path
    parameter and in form fields is a 4xx (the middleware's 400, or the route's own refusal
    first)."""
    objects = demo_objects()
    nul_objects = _nul_objects(objects)
    failures, statuses = [], []
    for name, route in walk():
        for role in NUL_ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(demo_users[role])
            url = concrete(name, route, objects)
            probes = [("get", url + NUL_QUERY, None), ("post", url, NUL_FORM)]
            nul_url = concrete(name, route, nul_objects)
            if nul_url != url:
                probes.append(("get", nul_url, None))
            for method, target, data in probes:
                status = getattr(client, method)(target, data or {}).status_code
                statuses.append(status)
                if status >= 500:
                    failures.append(f"{method.upper()} {target} as {role}: {status}")
    assert failures == []
    assert statuses.count(400) > len(statuses) // 3  # the column is mostly the middleware's 400
