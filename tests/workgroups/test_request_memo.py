"""Chair terms are asked once per GET request, and never remembered past it or across a write
(issue 14, ``secretariat.request_memo``)."""

import datetime as dt

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from secretariat.models import Role
from secretariat.request_memo import RequestMemoMiddleware
from tests.factories import make_person
from tests.workgroups.factories import BodyFactory, ChairTermFactory
from workgroups.access import ChairRights


def _terms_queries(queries) -> int:
    return sum('"workgroups_bodychairterm"' in q["sql"] for q in queries.captured_queries)


def _through_middleware(method, view):
    request = getattr(RequestFactory(), method)("/")
    return RequestMemoMiddleware(view)(request)


def test_one_query_per_get_request_for_every_asker(chair):
    seen = []

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            seen.extend(ChairRights(chair).runs_anything() for _ in range(3))
        seen.append(_terms_queries(queries))
        return HttpResponse()

    _through_middleware("get", view)
    assert seen == [True, True, True, 1]


def test_a_write_request_and_the_next_request_see_a_new_term(db, chair, malaysia):
    staff = make_person("my.staff", Role.CHAIR, administration=malaysia)
    body = BodyFactory(code="CECWG")
    answers = []

    def view(request):
        answers.append(ChairRights(staff).runs(body.pk))
        ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2000, 1, 1),
                         end_on=None)
        answers.append(ChairRights(staff).runs(body.pk))
        return HttpResponse()

    _through_middleware("post", view)
    assert answers == [False, True]
    answers.clear()
    _through_middleware("get", lambda request: answers.append(
        ChairRights(staff).runs(body.pk)) or HttpResponse())
    assert answers == [True]
    # Outside any request (a service, a task), every call asks.
    with CaptureQueriesContext(connection) as queries:
        ChairRights(staff)
        ChairRights(staff)
    assert _terms_queries(queries) == 2
