"""Seizure data reaches nobody without the enforcement clearance, through any channel.

Given the demo (Viet Nam's two seizures with their exact figures, five illustrative reports,
chair.vn as Viet Nam's only enforcement contact), when people without the flag fetch EVERY
GET route of the portal (the route-matrix walk: pages, API, CSV/XLSX exports, the meeting pack,
search, iCalendar feeds, the Strategic Plan evidence panel, the home page panels) plus
searches and milestone pages aimed at the data, and when every queued email is delivered to a
real SMTP server, then no response body (zip and xlsx members unpacked) and no email holds a
seizure's figures, concealment, agencies, a link to a report, or a report count. The same walk
as chair.vn does find them, so the test can fail.
"""

import io
import os
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from secretariat import outbox
from secretariat.models import DeliveryState, OutboxMessage, Role
from tests.factories import make_person
from tests.reporting.conftest import smtp_sink  # noqa: F401  (fixture)
from tests.route_matrix_harness import concrete, demo_objects, walk
from workgroups.enforcement import services
from workgroups.enforcement.models import SeizureLine, SeizureReport
from workgroups.enforcement.notices import PURPOSE as SEIZURE_PURPOSE
from workgroups.models import Milestone

pytestmark = pytest.mark.django_db

# Never in a response to someone uncleared: links into the seizure pages, the counts the
# panels show to the cleared, and (below) every report's own strings and quantities.
ALWAYS = ["/enforcement/reports/", "/enforcement/analysis", "seizure report"]
# Documentation of the API describes the endpoint (not its data): only data markers apply.
SCHEMA_ROUTES = {"schema", "api-docs"}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False


def _data_markers() -> list[str]:
    markers = set()
    for report in SeizureReport.objects.all():
        markers |= {report.concealment, report.agencies}
        markers.add(report.summary[:40])
    for line in SeizureLine.objects.all():
        # With the unit ("4.2 kg"): a bare "4.2" or "1200" also occurs in unrelated pages.
        markers.add(f"{line.quantity_text} {line.get_unit_display()}")
    markers.discard("")
    return sorted(markers)


def _bodies(response) -> list[bytes]:
    """The response's bytes, and those of every member when it is a zip (pack, xlsx)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [content]
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    return parts


def _found(client, url: str, markers: list[str]) -> set[str]:
    response = client.get(url)
    hits = set()
    for body in _bodies(response):
        text = body.decode("utf-8", errors="ignore").lower()
        hits |= {m for m in markers if m.lower() in text}
    return hits


def _walk(client, objects, data_markers) -> dict[str, set[str]]:
    leaks = {}
    urls = [(name, concrete(name, route, objects)) for name, route in walk()]
    cec = Milestone.objects.filter(operations__slug="mekong-dragon").values_list("pk", flat=True)
    urls += [("milestone", f"/plan/milestones/{pk}/") for pk in cec]
    searches = ("sandals", "14.60207", "Heineken")
    urls += [(f"search:{q}", f"/meetings/search/?q={q}") for q in searches]
    urls += [("search:sandals", "/api/v1/documents/?q=sandals")]
    for name, url in urls:
        markers = data_markers + ([] if name in SCHEMA_ROUTES else ALWAYS)
        if name.startswith("search:"):  # the page repeats the query itself, not the data
            query = name.removeprefix("search:").lower()
            markers = [m for m in markers if query not in m.lower()]
        hits = _found(client, url, markers)
        if hits:
            leaks[url] = hits
    return leaks


def test_no_channel_shows_seizure_data_without_the_flag(client, demo, smtp_sink):  # noqa: F811
    users = get_user_model().objects
    chair_vn = users.get(username="chair.vn")
    secretariat = users.get(username="secretariat")
    # A colleague of the cleared contact, of the same administration and role, whose flag the
    # secretariat gave and took back: rights come from the flag, not from the role.
    colleague = make_person("chair.vn.colleague", Role.CHAIR,
                            administration=chair_vn.profile.administration)
    services.enforcement_contact_designate(actor=secretariat, user=colleague)
    services.enforcement_contact_revoke(actor=secretariat, user=colleague)
    objects = demo_objects()
    data_markers = _data_markers()
    assert "19.88445" not in data_markers  # the total is derived, the lines are stored
    assert {"14.60207 kg", "5.28238 kg", "4.2 kg"} <= set(data_markers)

    # delegate.my also heads Malaysia's delegation to the 34th (restricted papers open to them).
    uncleared = [None, "delegate.my", "partner.wco", "chair.vn.colleague"]
    for username in uncleared:
        client.logout()
        if username:
            client.force_login(users.get(username=username))
        assert _walk(client, objects, data_markers) == {}, f"leak to {username or 'anonymous'}"

    # The test can fail: the cleared contact sees the data on the analysis page and export.
    client.force_login(chair_vn)
    assert {"14.60207 kg", "5.28238 kg"} <= _found(client, "/enforcement/analysis/",
                                                   data_markers)
    assert "Sandals" not in data_markers
    assert _found(client, "/enforcement/analysis.xlsx", data_markers) >= {
        m for m in data_markers if "sandals" in m}

    # Email: deliver everything the demo and the walk queued to a real SMTP server.
    for pk in OutboxMessage.objects.filter(state=DeliveryState.PENDING).values_list(
            "pk", flat=True):
        outbox.deliver(pk)
    seizure_mail = OutboxMessage.objects.filter(purpose=SEIZURE_PURPOSE)
    assert seizure_mail.exists()
    cleared_emails = {chair_vn.email.lower()}
    assert set(seizure_mail.values_list("recipient", flat=True)) <= cleared_emails
    assert smtp_sink.messages, "the demo's emails reached the SMTP server"
    for message in smtp_sink.messages:
        # Decoded parts: bodies travel as quoted-printable or base64.
        text = " ".join([str(message["Subject"])] + [
            part.get_payload(decode=True).decode("utf-8", errors="ignore")
            for part in message.walk() if part.get_content_maintype() == "text"
        ]).lower()
        leaked = {m for m in data_markers if m.lower() in text}
        assert leaked == set(), f"email to {message['To']} holds {leaked}"
