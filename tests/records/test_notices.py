"""Emails of the record through the outbox, sent to a real SMTP server (aiosmtpd):
overdue action items reminded once at the owner's working hour, and the papers digest."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile

from meetings import samples
from meetings import services as meeting_services
from meetings.models import AccessLevel, DelegationMember
from meetings.records import services
from meetings.records.models import NoticeMode, NoticePreference
from meetings.records.notices import DIGEST_PURPOSE, NOTICE_PURPOSE, OVERDUE_PURPOSE
from meetings.records.reminders import action_reminders_plan
from secretariat import outbox
from secretariat.models import DeliveryState, OutboxMessage, Role
from tests.factories import make_person
from tests.reporting.conftest import smtp_sink  # noqa: F401  (fixture)

KL = zoneinfo.ZoneInfo("Asia/Kuala_Lumpur")
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def _deliver_all(purpose: str, now: dt.datetime) -> list[str]:
    return [outbox.deliver(m.pk, now=now).state
            for m in OutboxMessage.objects.filter(purpose=purpose).order_by("pk")]


@pytest.mark.django_db
def test_an_overdue_action_item_is_reminded_once_at_the_owners_working_hour(
        built, delegate, delegate_b, secretariat, smtp_sink):  # noqa: F811
    """Given Malaysia's item due on Monday 30 September 2024, when the planner runs that
    Monday night and again later, then Malaysia's delegate gets one email, at 09:00 in
    Kuala Lumpur on Tuesday; Thailand's delegate gets none."""
    item = built.actions["2"]
    with time_machine.travel(dt.datetime(2024, 9, 30, 23, 30, tzinfo=KL), tick=False):
        action_reminders_plan()
    # Due that day in Kuala Lumpur: not overdue yet (the secretariat's own item is).
    assert not outbox.messages_for(purpose=OVERDUE_PURPOSE, obj=item).exists()
    with time_machine.travel(dt.datetime(2024, 10, 1, 0, 30, tzinfo=KL), tick=False):
        queued = action_reminders_plan()
    messages = outbox.messages_for(purpose=OVERDUE_PURPOSE, obj=item)
    assert [m.recipient for m in messages] == [delegate.email]
    assert queued >= 1
    (message,) = messages
    assert message.due_at == dt.datetime(2024, 10, 1, 9, 0, tzinfo=KL)
    # A worker that runs early cannot claim it; at the opening it is sent.
    assert outbox.deliver(message.pk, now=dt.datetime(2024, 10, 1, 8, 59, tzinfo=KL)).state \
        == "busy"
    message.refresh_from_db()
    assert message.state == DeliveryState.PENDING and smtp_sink.messages == []
    assert outbox.deliver(message.pk, now=dt.datetime(2024, 10, 1, 9, 0, tzinfo=KL)).state \
        == DeliveryState.SENT
    with time_machine.travel(dt.datetime(2024, 10, 3, 10, 0, tzinfo=KL), tick=False):
        action_reminders_plan()
    assert outbox.messages_for(purpose=OVERDUE_PURPOSE, obj=item).count() == 1
    received = [m for m in smtp_sink.messages if "MEMBERSACTION" in m["Subject"]]
    assert [m["To"] for m in received] == [delegate.email]
    assert delegate_b.email not in {m["To"] for m in smtp_sink.messages}


@pytest.mark.django_db
def test_done_stops_the_reminder(built, secretariat, smtp_sink):  # noqa: F811
    item = built.actions["3"]  # the secretariat's, due 31 July 2024
    with time_machine.travel(dt.datetime(2024, 8, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        action_reminders_plan()
    (message,) = outbox.messages_for(purpose=OVERDUE_PURPOSE, obj=item)
    assert message.recipient == secretariat.email
    services.action_item_update(actor=secretariat, item_id=item.pk,
                                expected_version=item.version, changes={"status": "done"})
    message.refresh_from_db()
    assert message.state == DeliveryState.CANCELLED
    outbox.deliver(message.pk, now=dt.datetime(2024, 8, 1, 4, 0, tzinfo=dt.UTC))
    assert smtp_sink.messages == []


def _post(actor, meeting, title, level):
    content = samples.make_pdf(title, ["ASEAN customs"])
    return meeting_services.document_create(
        actor=actor, meeting=meeting, title=title, kind="working_paper", access_level=level,
        file=ContentFile(content, name=f"{title}.pdf"), filename=f"{title}.pdf")


@pytest.mark.django_db
def test_three_papers_in_a_day_give_one_digest_each_the_next_morning(
        built, secretariat, delegate, delegate_b, thailand, smtp_sink):  # noqa: F811
    """Given Malaysia's head of delegation (reads the meeting's restricted papers), a Thai
    delegate (members' papers) and a Thai delegate who chose "none", when three papers are
    posted on Tuesday (one restricted), then each of the first two gets ONE email on
    Wednesday between 08:00 and 09:00 in their own zone, listing the papers they may read;
    the third gets nothing."""
    silent = make_person("delegate.c", Role.DELEGATE, administration=thailand)
    NoticePreference.objects.create(user=silent, mode=NoticeMode.NONE)
    head = DelegationMember.objects.get(delegation=built.delegations["MY"], role="head")
    head.user = delegate
    head.save()
    for user in (delegate_b, silent):
        DelegationMember.objects.create(delegation=built.delegations["TH"], user=user,
                                        full_name=user.get_full_name())
    titles = {"members": "Draft work plan", "public": "Provisional agenda",
              "restricted": "Seizure statistics"}
    for n, (level, title) in enumerate(titles.items()):
        with time_machine.travel(dt.datetime(2024, 5, 14, 10 + n, 0, tzinfo=KL), tick=False):
            _post(secretariat, built.meeting, title, getattr(AccessLevel, level.upper()))
    digests = OutboxMessage.objects.filter(purpose=DIGEST_PURPOSE)
    assert sorted(digests.values_list("recipient", flat=True)) == sorted(
        [delegate.email, delegate_b.email])
    assert not OutboxMessage.objects.filter(purpose=NOTICE_PURPOSE).exists()
    due = {m.recipient: m.due_at for m in digests}
    assert due[delegate.email] == dt.datetime(2024, 5, 15, 8, 0, tzinfo=KL)
    assert due[delegate_b.email] == dt.datetime(2024, 5, 15, 8, 0, tzinfo=BANGKOK)
    # Before the morning nothing goes; at each person's 08:00 their digest does.
    assert set(_deliver_all(DIGEST_PURPOSE, dt.datetime(2024, 5, 15, 7, 59, tzinfo=KL))) \
        == {"busy"}
    assert smtp_sink.messages == []
    for recipient, at in due.items():
        message = digests.get(recipient=recipient)
        assert outbox.deliver(message.pk, now=at).state == DeliveryState.SENT
    assert len(smtp_sink.messages) == 2
    received = {m["To"]: m for m in smtp_sink.messages}
    for recipient, expected in ((delegate.email, set(titles.values())),
                                (delegate_b.email, {titles["members"], titles["public"]})):
        body = received[recipient].get_body(("plain",)).get_content()
        assert {t for t in titles.values() if t in body} == expected
        assert f"{len(expected)} papers" in received[recipient]["Subject"]
        assert "/documents/" in body


@pytest.mark.django_db
def test_a_digest_waits_for_the_next_working_morning(built, secretariat, delegate):
    """Posted on Tuesday 21 May 2024: Wednesday is Hari Wesak in Malaysia, so the digest
    goes on Thursday at 08:00 in Kuala Lumpur."""
    DelegationMember.objects.create(delegation=built.delegations["MY"], user=delegate,
                                    full_name="Malaysian delegate")
    with time_machine.travel(dt.datetime(2024, 5, 21, 15, 0, tzinfo=KL), tick=False):
        _post(secretariat, built.meeting, "Late paper", AccessLevel.MEMBERS)
    (message,) = OutboxMessage.objects.filter(purpose=DIGEST_PURPOSE)
    assert message.due_at == dt.datetime(2024, 5, 23, 8, 0, tzinfo=KL)


@pytest.mark.django_db
def test_immediately_sends_one_notice_per_readable_paper(
        built, secretariat, delegate_b, smtp_sink):  # noqa: F811
    from meetings.records.services import notice_preference_set

    notice_preference_set(actor=delegate_b, mode=NoticeMode.IMMEDIATELY, bodies=[])
    DelegationMember.objects.create(delegation=built.delegations["TH"], user=delegate_b,
                                    full_name="Thai delegate")
    _post(secretariat, built.meeting, "Open paper", AccessLevel.MEMBERS)
    _post(secretariat, built.meeting, "Closed paper", AccessLevel.RESTRICTED)
    states = _deliver_all(NOTICE_PURPOSE, dt.datetime.now(dt.UTC))
    assert states == [DeliveryState.SENT]
    assert ["Open paper" in m["Subject"] for m in smtp_sink.messages] == [True]


@pytest.mark.django_db
def test_each_person_chooses_their_notices_on_the_profile(delegate, client_for):
    from workgroups.models import Body

    dg = Body.objects.create(code="DG", name="ASEAN Directors-General of Customs Meeting",
                             kind=Body.Kind.DG_MEETING)
    client = client_for(delegate)
    assert "Choose your paper notices" in client.get("/accounts/profile/").content.decode()
    page = client.get("/accounts/notices/").content.decode()
    assert "ASEAN Directors-General of Customs Meeting (DG)" in page
    assert client.post("/accounts/notices/", {"mode": "sometimes"}).status_code == 400
    assert client.post("/accounts/notices/", {"mode": "none", "bodies": [dg.pk]}).status_code \
        == 302
    preference = NoticePreference.objects.get(user=delegate)
    assert preference.mode == NoticeMode.NONE and list(preference.bodies.all()) == [dg]


def _withdraw(actor, document):
    from meetings import authoring

    return authoring.document_withdraw(actor=actor, document=document, reason="Posted in error")


@pytest.mark.django_db
def test_a_withdrawal_is_rechecked_when_it_is_sent(
        built, secretariat, delegate_b, smtp_sink):  # noqa: F811
    """Given a Thai delegate told at once of two members' papers, when both are withdrawn and
    one of them is then raised to "restricted" before the withdrawal notices go, then only
    the other's withdrawal reaches the SMTP server; the restricted one is cancelled at send
    time and its title never leaves."""
    from meetings import authoring
    from meetings.records.services import notice_preference_set

    notice_preference_set(actor=delegate_b, mode=NoticeMode.IMMEDIATELY, bodies=[])
    DelegationMember.objects.create(delegation=built.delegations["TH"], user=delegate_b,
                                    full_name="Thai delegate")
    stricter = _post(secretariat, built.meeting, "Tariff line SECRETTITLE", AccessLevel.MEMBERS)
    plain = _post(secretariat, built.meeting, "Venue note", AccessLevel.MEMBERS)
    now = dt.datetime.now(dt.UTC)
    assert _deliver_all(NOTICE_PURPOSE, now) == [DeliveryState.SENT, DeliveryState.SENT]
    _withdraw(secretariat, stricter)
    _withdraw(secretariat, plain)
    pending = OutboxMessage.objects.filter(purpose=NOTICE_PURPOSE, state=DeliveryState.PENDING)
    assert pending.count() == 2  # both withdrawals were queued while the delegate was cleared
    authoring.document_update(actor=secretariat, document=stricter,
                              changes={"access_level": AccessLevel.RESTRICTED})
    later = dt.datetime.now(dt.UTC)
    states = {m.object_id: outbox.deliver(m.pk, now=later).state
              for m in pending.order_by("pk")}
    assert sorted(states.values()) == [DeliveryState.CANCELLED, DeliveryState.SENT]
    subjects = [m["Subject"] for m in smtp_sink.messages]
    assert len(subjects) == 3
    withdrawals = [m for m in smtp_sink.messages if m["Subject"].startswith("Withdrawn")]
    assert len(withdrawals) == 1
    assert all("SECRETTITLE" not in m.as_string() for m in withdrawals)
    assert "Venue note" in withdrawals[0].as_string()


@pytest.mark.django_db
def test_a_paper_withdrawn_before_the_digest_goes_is_not_in_it(
        built, secretariat, delegate_b, smtp_sink):  # noqa: F811
    """Given a Thai delegate on the daily digest, when two papers are posted on Tuesday and
    one is withdrawn that afternoon (posted in error), then Wednesday's digest lists only the
    other: neither the posting nor the withdrawal of the first names it, since the delegate
    was never sent a notice of it."""
    DelegationMember.objects.create(delegation=built.delegations["TH"], user=delegate_b,
                                    full_name="Thai delegate")
    with time_machine.travel(dt.datetime(2024, 5, 14, 10, 0, tzinfo=BANGKOK), tick=False):
        wrong = _post(secretariat, built.meeting, "Informant list WRONGTITLE",
                      AccessLevel.MEMBERS)
        _post(secretariat, built.meeting, "Programme", AccessLevel.MEMBERS)
    with time_machine.travel(dt.datetime(2024, 5, 14, 15, 0, tzinfo=BANGKOK), tick=False):
        _withdraw(secretariat, wrong)
    (digest,) = OutboxMessage.objects.filter(purpose=DIGEST_PURPOSE)
    assert digest.subject_object.events.count() == 3  # planned: posted x2 + withdrawn
    outcome = outbox.deliver(digest.pk, now=dt.datetime(2024, 5, 15, 8, 0, tzinfo=BANGKOK))
    digest.refresh_from_db()
    assert outcome.state == DeliveryState.SENT, (outcome, digest.last_error)
    (email,) = smtp_sink.messages
    assert "WRONGTITLE" not in email.as_string()
    assert "Programme" in email.get_body(("plain",)).get_content()
    assert "1 paper" in email["Subject"]


@pytest.mark.django_db
def test_a_draft_nominations_people_get_no_paper_notices(
        built, secretariat, delegate_b, smtp_sink):  # noqa: F811
    """Only submitted nominations make a person expected at the meeting."""
    from meetings.models import Delegation, NominationState

    Delegation.objects.filter(pk=built.delegations["TH"].pk).update(state=NominationState.DRAFT)
    DelegationMember.objects.create(delegation=built.delegations["TH"], user=delegate_b,
                                    full_name="Thai delegate")
    _post(secretariat, built.meeting, "Programme", AccessLevel.MEMBERS)
    assert not OutboxMessage.objects.filter(user=delegate_b).exists()
    Delegation.objects.filter(pk=built.delegations["TH"].pk).update(
        state=NominationState.SUBMITTED)
    _post(secretariat, built.meeting, "Annex", AccessLevel.MEMBERS)
    assert OutboxMessage.objects.filter(user=delegate_b, purpose=DIGEST_PURPOSE).count() == 1


@pytest.mark.django_db
def test_a_secretariat_only_items_action_is_never_reminded_to_a_delegate(
        built, secretariat, delegate, smtp_sink):  # noqa: F811
    """Given an action item of the secretariat-only item given to Malaysia as owner, when it
    is overdue and the planner runs, then Malaysia's delegate is not reminded (they may not
    see the decision) and it is not on their "my action items"; the SMTP server gets
    nothing for them."""
    from meetings.records.models import OwnerKind
    from meetings.records.selectors import my_action_items

    hidden = services.action_item_create(
        actor=secretariat, decision=built.decisions["3"], text="Brief HIDDENACTION owners",
        owner_kind=OwnerKind.ADMINISTRATION, owner_administration=built.delegations[
            "MY"].administration, due_date=dt.date(2024, 7, 1))
    assert hidden not in my_action_items(delegate)
    with time_machine.travel(dt.datetime(2024, 7, 3, 10, 0, tzinfo=KL), tick=False):
        action_reminders_plan()
    assert not outbox.messages_for(purpose=OVERDUE_PURPOSE, obj=hidden).exists()
    _deliver_all(OVERDUE_PURPOSE, dt.datetime(2024, 7, 3, 10, 0, tzinfo=KL))
    assert all("HIDDENACTION" not in m.as_string() for m in smtp_sink.messages)
    assert delegate.email not in {m["To"] for m in smtp_sink.messages}
