"""The records' data version (``secretariat.dataversion``): decisions and action items, as
the meeting page's "Record of the meeting" section shows them (``records.home``).

The section also shows meetings' data (the previous meeting, its agenda items, sessions,
bodies and administrations as owners): its keys carry ``meetings.caching.MEETINGS``'s token
too, so a write to either makes the cached copy unreachable.
"""

from secretariat.dataversion import DataVersion

RECORDS = DataVersion("records")


class BumpsRecordsOnUpdate:
    """An UPDATE sends no signal (the record services write with conditional UPDATEs)."""

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        RECORDS.bump()
        return changed


def connect_signals() -> None:
    from meetings.models import AgendaItem
    from meetings.records.models import ActionItem, Decision

    # An agenda item's visibility decides who sees its decisions and action items;
    # ``AgendaItemQuerySet.update`` bumps too (UPDATEs send no signal).
    RECORDS.connect([ActionItem, Decision, AgendaItem])
