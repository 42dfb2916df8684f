"""The records' data version (``secretariat.dataversion``): what the home page's "My action
items" shows (action items, the decisions and agenda items that decide who sees them),
cached until the next write to any of it, on any process. The meetings, bodies and
administrations the rows name are the meetings' data version's; panels key on both."""

from secretariat.dataversion import DataVersion

RECORDS = DataVersion("records")


def connect_signals() -> None:
    from meetings.models import AgendaItem
    from meetings.records.models import ActionItem, Decision

    # ``ActionItemQuerySet``, ``DecisionQuerySet`` and ``AgendaItemQuerySet.update`` bump too:
    # the record and agenda services write with conditional UPDATEs, which send no signal.
    RECORDS.connect([ActionItem, Decision, AgendaItem])
