"""The meetings' data version (``secretariat.dataversion``): what the meeting lists show
(meetings, their sessions, bodies, hosts and the hosts' names over time) for logged-in
viewers, cached until the next write to any of it, on any process. Session writes through
``authoring`` also move the meeting's version with an UPDATE, which bumps here too."""

from secretariat.dataversion import DataVersion

MEETINGS = DataVersion("meetings")


def connect_signals() -> None:
    from meetings.models import Meeting, Session
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import Body

    # ``MeetingQuerySet.update`` bumps too: the authoring and convening services write with
    # conditional UPDATEs, which send no signal.
    MEETINGS.connect([Meeting, Session, Body, Administration, AdministrationName])


def body_codes() -> list[str]:
    """Every body's code, in order (the filters of the meeting list and the calendar): kept
    under ``MEETINGS``, which ``Body`` bumps."""
    from workgroups.models import Body

    return MEETINGS.cached(("body-codes",), lambda: list(
        Body.objects.order_by("code").values_list("code", flat=True)))
