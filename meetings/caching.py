"""The meetings' data version (``secretariat.dataversion``): what the meeting lists show
(meetings, their bodies, hosts and the hosts' names over time) for logged-in viewers, cached
until the next write to any of it, on any process."""

from secretariat.dataversion import DataVersion

MEETINGS = DataVersion("meetings")
# The papers (``/api/v1/documents/``): documents, their versions, and who heads which
# delegation (a head reads the meeting's restricted papers).
DOCUMENTS = DataVersion("documents")


def connect_signals() -> None:
    from meetings.models import Meeting
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import Body

    # ``MeetingQuerySet.update`` bumps too: the authoring and convening services write with
    # conditional UPDATEs, which send no signal.
    MEETINGS.connect([Meeting, Body, Administration, AdministrationName])
    from meetings.models import Delegation, DelegationMember, Document, DocumentVersion

    # The document services write with save() (a withdrawal too); the one QuerySet.update()
    # on documents writes the extracted search text, which no list shows.
    DOCUMENTS.connect([Document, DocumentVersion, Delegation, DelegationMember])
