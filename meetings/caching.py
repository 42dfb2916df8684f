"""The meetings' data version (``secretariat.dataversion``): what the meeting lists show
(meetings, their bodies, hosts and the hosts' names over time) for logged-in viewers, cached
until the next write to any of it, on any process."""

from secretariat.dataversion import DataVersion

MEETINGS = DataVersion("meetings")


def connect_signals() -> None:
    from meetings.models import Meeting
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import Body

    # ``MeetingQuerySet.update`` bumps too: the authoring and convening services write with
    # conditional UPDATEs, which send no signal.
    MEETINGS.connect([Meeting, Body, Administration, AdministrationName])
