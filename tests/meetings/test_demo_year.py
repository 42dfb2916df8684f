"""The demo on the real calendar: the 32nd-36th DG meetings, today's chair (Cambodia,
inferred) runs the convened 36th, chair.vn's term ended and it reads like a delegate."""

import datetime as dt
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from meetings.models import Delegation, Meeting, MeetingNotice
from workgroups.access import ChairRights, may_run_body
from workgroups.models import Body, BodyChairTerm

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
def test_demo_year(settings, client):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    dg = Body.objects.get(code="DG")
    facts = {m.ordinal: (m.host.code, m.city, m.start_date, m.host_is_inferred, m.status)
             for m in Meeting.objects.filter(body=dg).select_related("host")}
    assert facts[32][:3] == ("TH", "Pattaya", dt.date(2023, 6, 6))
    assert facts[33][:3] == ("VN", "Phu Quoc", dt.date(2024, 6, 4))
    assert facts[34][:3] == ("BN", "Bandar Seri Begawan", dt.date(2025, 6, 3))
    assert facts[35][0] == "KH" and facts[35][3] is True
    assert facts[36][0] == "ID" and facts[36][3] is True and facts[36][4] == "convened"
    users = get_user_model().objects
    kh, vn = users.get(username="chair.kh"), users.get(username="chair.vn")
    assert may_run_body(kh, dg.pk) and not may_run_body(vn, dg.pk)
    assert ChairRights(kh).terms[0].end_on == dt.date(2027, 5, 31)
    assert BodyChairTerm.objects.get(body=dg, administration__code="KH").is_inferred
    dg36 = Meeting.objects.get(body=dg, ordinal=36)
    assert MeetingNotice.objects.filter(meeting=dg36, sequence=0).exists()
    states = dict(Delegation.objects.filter(meeting=dg36)
                  .values_list("administration__code", "state"))
    assert states["MY"] == "submitted" and states["TH"] == "draft" and "ID" not in states
    # The agenda paper lists the agenda's public items, not the secretariat-only one.
    agenda = dg36.documents.get(kind="agenda")
    assert "Handover of the chair" in agenda.search_text or agenda.current_version.size > 900
    client.force_login(kh)
    assert "Chair of the DG meeting until 31 May 2027" in client.get(
        "/accounts/profile/").content.decode()
    assert client.get(f"/meetings/{dg36.pk}/edit/").status_code == 200
    client.force_login(vn)
    assert client.get(f"/meetings/{dg36.pk}/edit/").status_code == 403
