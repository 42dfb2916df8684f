"""The meetings' data version (``secretariat.dataversion``): what the meeting lists and the
meeting page show (meetings, their bodies, hosts and the hosts' names over time; sessions,
agenda items, papers and their versions, delegations and their members) for logged-in
viewers, cached until the next write to any of it, on any process.

Apps above ``meetings`` that add a section to the meeting page keep their own version for
their own data and put ``MEETINGS.current()`` in their keys for the meetings' part.
"""

from secretariat.dataversion import DataVersion

MEETINGS = DataVersion("meetings")
# The papers (``/api/v1/documents/``): documents, their versions, and who heads which
# delegation (a head reads the meeting's restricted papers).
DOCUMENTS = DataVersion("documents")


class BumpsMeetingsOnUpdate:
    """A QuerySet mixin: an UPDATE sends no signal, so it makes the cached copies
    unreachable itself (the authoring services write with conditional UPDATEs)."""

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        MEETINGS.bump()
        return changed


def connect_signals() -> None:
    from meetings.models import (
        AgendaItem,
        Delegation,
        DelegationMember,
        Document,
        DocumentVersion,
        Meeting,
        Session,
    )
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import Body

    # The querysets of these models bump on ``update()`` too (``BumpsMeetingsOnUpdate``).
    MEETINGS.connect([Meeting, Body, Administration, AdministrationName, Session, AgendaItem,
                      Document, DocumentVersion, Delegation, DelegationMember])
    # The document services write with save() (a withdrawal too); the one QuerySet.update()
    # on documents writes the extracted search text, which no list shows.
    DOCUMENTS.connect([Document, DocumentVersion, Delegation, DelegationMember])


def body_codes() -> list[str]:
    """Every body's code, in order (the filters of the meeting list and the calendar): kept
    under ``MEETINGS``, which ``Body`` bumps."""
    from workgroups.models import Body

    return MEETINGS.cached(("body-codes",), lambda: list(
        Body.objects.order_by("code").values_list("code", flat=True)))
