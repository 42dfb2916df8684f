"""A real year's data for ``make bench`` (issue 14), on top of the demo, with bulk_create.

``seed(scale)`` adds ``scale`` x (2,000 milestones across the plan's bodies and action lines,
with leads and national rows; 40 meetings x 5 sessions x 30 agenda items; 2,000 documents;
100,000 download-log rows; 20,000 history rows; 500 users across the roles). Idempotent: the
rows carry a ``BENCH-`` prefix and a second call adds nothing. Run inside ``manage.py shell``
of the bench's own database only.
"""

import datetime as dt
import itertools
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

MARK = "BENCH-"


def seed(scale: float = 1.0) -> str:
    from meetings.models import (
        AgendaItem,
        Document,
        DocumentVersion,
        DownloadLog,
        Meeting,
        MeetingStatus,
        Session,
    )
    from secretariat.models import Administration, Partner, Profile, Role
    from workgroups.caching import one_bump_for_all
    from workgroups.models import ActionLine, Body, Milestone, NationalImplementation

    if Milestone.objects.filter(code__startswith=MARK).exists():
        return "already seeded"
    count = lambda n: max(1, int(n * scale))  # noqa: E731
    rng = random.Random(14)
    today = timezone.localdate()
    now = timezone.now()
    members = list(Administration.objects.filter(member_since__isnull=False))
    partners = list(Partner.objects.all())
    bodies = list(Body.objects.all())
    lines = list(ActionLine.objects.all())
    statuses = ["not_started", "in_progress", "completed", "delayed"]
    user_model = get_user_model()

    with one_bump_for_all(), transaction.atomic():
        # --- users across the roles ---
        users = [user_model(username=f"{MARK.lower()}user{i}", email=f"u{i}@bench.invalid",
                            password="!", is_staff=(i % 50 == 0)) for i in range(count(500))]
        users = user_model.objects.bulk_create(users)
        profiles = []
        for i, user in enumerate(users):
            if i % 50 == 0:
                profiles.append(Profile(user=user, role=Role.SECRETARIAT))
            elif i % 10 == 1 and partners:
                profiles.append(Profile(user=user, role=Role.PARTNER, partner=rng.choice(partners)))
            else:
                role = Role.CHAIR if i % 5 == 2 else Role.DELEGATE
                profiles.append(Profile(user=user, role=role, administration=rng.choice(members)))
        Profile.objects.bulk_create(profiles)

        # --- milestones, leads, national rows, history ---
        milestones = []
        for i in range(count(2000)):
            start = today - dt.timedelta(days=rng.randint(0, 900))
            milestones.append(Milestone(
                action_line=lines[i % len(lines)], body=bodies[i % len(bodies)],
                code=f"{MARK}{i:05d}", title=f"Bench milestone {i} on customs modernisation",
                description="Seeded for the benchmark.", start_date=start,
                due_date=start + dt.timedelta(days=rng.randint(30, 900)),
                status=statuses[i % 4], progress=rng.randint(0, 100),
                implemented_nationally=(i % 4 == 0), published=(i % 3 != 0),
            ))
        milestones = Milestone.objects.bulk_create(milestones)
        through = Milestone.lead_administrations.through
        through.objects.bulk_create([
            through(milestone_id=m.pk, administration_id=a.pk)
            for m in milestones for a in rng.sample(members, 2)
        ])
        NationalImplementation.objects.bulk_create([
            NationalImplementation(milestone=m, administration=a, status="in_progress")
            for m in milestones if m.implemented_nationally for a in members
        ])
        history_model = Milestone.history.model
        history = []
        for i, m in zip(range(count(20000)), itertools.cycle(milestones)):
            history.append(history_model(
                id=m.pk, action_line_id=m.action_line_id, body_id=m.body_id, code=m.code,
                title=m.title, description=m.description, start_date=m.start_date,
                due_date=m.due_date, status=statuses[i % 4], progress=i % 101,
                implemented_nationally=m.implemented_nationally, published=m.published,
                version=1 + i // len(milestones), history_date=now - dt.timedelta(minutes=i),
                history_type="~", history_change_reason="bench",
                history_user_id=users[i % len(users)].pk,
            ))
        history_model.objects.bulk_create(history, batch_size=5000)

        # --- meetings, sessions, agenda items ---
        start_ordinal = 1 + max(Meeting.objects.values_list("ordinal", flat=True), default=0)
        meetings = []
        for i in range(count(40)):
            day = today + dt.timedelta(days=rng.randint(-300, 300))
            meetings.append(Meeting(
                body=bodies[i % len(bodies)], ordinal=start_ordinal + 100 + i,
                title=f"{MARK}meeting {i}", host=rng.choice(members), city="Jakarta",
                venue="ASEAN Secretariat", start_date=day, end_date=day + dt.timedelta(days=2),
                time_zone="Asia/Jakarta",
                status=MeetingStatus.CONVENED if i % 2 else MeetingStatus.HELD,
            ))
        meetings = Meeting.objects.bulk_create(meetings)
        sessions, items = [], []
        for m in meetings:
            first = dt.datetime.combine(m.start_date, dt.time(9), tzinfo=dt.UTC)
            for s in range(5):
                starts = first + dt.timedelta(hours=2 * s)
                sessions.append(Session(meeting=m, title=f"Session {s + 1}", starts_at=starts,
                                        ends_at=starts + dt.timedelta(hours=1, minutes=30)))
            for p in range(30):
                items.append(AgendaItem(meeting=m, position=p + 1, title=f"Agenda item {p + 1}",
                                        visibility="members" if p % 3 else "public"))
        Session.objects.bulk_create(sessions)
        AgendaItem.objects.bulk_create(items)
        by_meeting = {}
        for item in items:
            by_meeting.setdefault(item.meeting_id, []).append(item)

        # --- documents, one version each (no file on disk), download log ---
        levels = ["public", "members", "members", "restricted"]
        documents = []
        for i in range(count(2000)):
            m = meetings[i % len(meetings)]
            documents.append(Document(
                meeting=m, agenda_item=by_meeting[m.pk][i % 30], title=f"Bench paper {i}",
                access_level=levels[i % len(levels)], search_text=f"bench paper {i} customs",
            ))
        documents = Document.objects.bulk_create(documents)
        versions = DocumentVersion.objects.bulk_create([
            DocumentVersion(document=d, number=1, file=f"documents/bench/{uuid.uuid4().hex}.pdf",
                            original_filename="paper.pdf", sha256="0" * 64, size=1000,
                            content_type="application/pdf")
            for d in documents
        ])
        for d, v in zip(documents, versions, strict=True):
            d.current_version = v
        Document.objects.bulk_update(documents, ["current_version"], batch_size=1000)
        DownloadLog.objects.bulk_create([
            DownloadLog(version=versions[i % len(versions)], user=users[i % len(users)],
                        downloaded_at=now - dt.timedelta(seconds=30 * i), ip="10.0.0.1")
            for i in range(count(100000))
        ], batch_size=5000)
    return (f"seeded {len(milestones)} milestones, {len(meetings)} meetings, {len(documents)} "
            f"documents, {len(users)} users")
