"""Every route of workgroups x every persona: the expected status (QUALITY.md T4, for this
app). The test fails when a route has no row, so new pages cannot skip the matrix."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse

from tests.factories import AdministrationFactory
from tests.workgroups.factories import (
    ChairTermFactory,
    InitiativeFactory,
    MilestoneFactory,
    ParticipationFactory,
)
from workgroups.services import milestone_history, milestone_update

pytestmark = pytest.mark.django_db
PERSONAS = ["anonymous", "secretariat", "chair", "delegate", "delegate_b", "partner"]
ALL_200 = dict.fromkeys(PERSONAS, 200)
# The API answers 401 to anonymous callers (token authentication offers a challenge).
LOGIN = 302  # anonymous users are sent to the login page
EDITORS = {"anonymous": LOGIN, "secretariat": 200, "chair": 200, "delegate": 403,
           "delegate_b": 403, "partner": 403}


def redirect_for_all_logged_in(**overrides):
    return {**dict.fromkeys(PERSONAS, 302), **overrides}


# name -> (method, args(objects), data, expected statuses by persona)
MATRIX = {
    "workgroups:body_list": ("get", lambda o: [], None, ALL_200),
    "workgroups:body": ("get", lambda o: ["CPTFWG"], None, ALL_200),
    "workgroups:body_watch": ("post", lambda o: ["CPTFWG"], {"watch": "1"},
                              redirect_for_all_logged_in()),
    "workgroups:bulk_download": ("get", lambda o: ["CPTFWG"], None, EDITORS),
    "workgroups:bulk_upload": ("get", lambda o: ["CPTFWG"], None, EDITORS),
    "workgroups:bulk_apply": ("post", lambda o: ["CPTFWG"], {}, {
        **EDITORS, "secretariat": 302, "chair": 302}),
    "workgroups:dashboard": ("get", lambda o: [], None, ALL_200),
    "workgroups:export_csv": ("get", lambda o: [], None, ALL_200),
    "workgroups:export_xlsx": ("get", lambda o: [], None, ALL_200),
    "workgroups:milestone": ("get", lambda o: [o["public"].pk], None, ALL_200),
    "workgroups:milestone_row": ("get", lambda o: [o["public"].pk], None, ALL_200),
    "workgroups:milestone_revert": (
        "post", lambda o: [o["public"].pk, o["change_id"]], {},
        {"anonymous": LOGIN, "secretariat": 302, "chair": 403, "delegate": 403,
         "delegate_b": 403, "partner": 403}),
    "workgroups:milestone_watch": ("post", lambda o: [o["public"].pk], {"watch": "1"},
                                   redirect_for_all_logged_in()),
    "workgroups:evidence_create": ("post", lambda o: [o["public"].pk], {"title": ""}, {
        **EDITORS, "secretariat": 302, "chair": 302}),
    "workgroups:national_update": (
        "post", lambda o: [o["public"].pk, "MY"], {"status": "implemented", "version": ""},
        {"anonymous": LOGIN, "secretariat": 302, "chair": 403, "delegate": 302,
         "delegate_b": 403, "partner": 403}),
    "workgroups:initiatives": ("get", lambda o: [], None, ALL_200),
    "workgroups:participation_edit": (
        "get", lambda o: [o["cell"].pk], None,
        {"anonymous": 403, "secretariat": 200, "chair": 403, "delegate": 200,
         "delegate_b": 403, "partner": 403}),
    # Chair terms are the secretariat's to manage (issue 11); ending one redirects to the list.
    "workgroups:chair_terms": ("get", lambda o: [], None, {
        **dict.fromkeys(PERSONAS, 403), "anonymous": LOGIN, "secretariat": 200}),
    "workgroups:chair_term_end": ("post", lambda o: [o["term"].pk], {}, {
        **dict.fromkeys(PERSONAS, 403), "anonymous": LOGIN, "secretariat": 302}),
    "api:body-list": ("get", lambda o: [], None, {**ALL_200, "anonymous": 401}),
    "api:body-detail": ("get", lambda o: ["CPTFWG"], None, {**ALL_200, "anonymous": 401}),
    "api:milestone-list": ("get", lambda o: [], None, {**ALL_200, "anonymous": 401}),
    "api:milestone-detail": ("get", lambda o: [o["public"].pk], None,
                             {**ALL_200, "anonymous": 401}),
    "api:milestone-history": ("get", lambda o: [o["public"].pk], None,
                              {**ALL_200, "anonymous": 401, "partner": 403}),
}


def workgroups_route_names() -> set[str]:
    names = {f"workgroups:{n}" for n in get_resolver().namespace_dict["workgroups"][1]
             .reverse_dict if isinstance(n, str)}
    api = get_resolver().namespace_dict["api"][1]
    names |= {f"api:{n}" for n in api.reverse_dict if isinstance(n, str)
              and (n.startswith("body-") or n.startswith("milestone-"))}
    return names


def test_every_route_has_a_matrix_row():
    assert workgroups_route_names() - set(MATRIX) == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_matrix(client_for, personas, persona, chair, malaysia):
    public = MilestoneFactory(published=True, implemented_nationally=True)
    milestone_update(actor=chair, milestone_id=public.pk, expected_version=1,
                     changes={"progress": 10}, comment="first")
    objects = {
        "public": public,
        "change_id": milestone_history(public.pk)[0].history_id,
        "cell": ParticipationFactory(initiative=InitiativeFactory(), administration=malaysia),
        # A term of an administration no persona belongs to: it changes nobody's rights.
        "term": ChairTermFactory(administration=AdministrationFactory(),
                                 start_on=dt.date(2026, 1, 1), end_on=dt.date(2027, 12, 31)),
    }
    client = client_for(personas[persona])
    mismatches = []
    for name, (method, args, data, expected) in MATRIX.items():
        url = reverse(name, args=args(objects))
        response = getattr(client, method)(url, data) if data is not None else \
            getattr(client, method)(url)
        if response.status_code != expected[persona]:
            mismatches.append((name, response.status_code, expected[persona]))
    assert mismatches == []
