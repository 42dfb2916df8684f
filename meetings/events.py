"""Paper events for the apps above ``meetings`` (``records`` tells people a paper arrived)
without ``meetings`` importing them.

Register ``fn(document, kind, version_number)`` in your ``AppConfig.ready`` with
``register_paper_listener``; ``kind`` is "posted", "replaced" or "withdrawn". Listeners run
inside the service's transaction, so what they record commits or rolls back with the paper.
"""

from secretariat.slots import Slot

PAPER_LISTENERS = Slot("paper listeners")
register_paper_listener = PAPER_LISTENERS.register


def paper_changed(document, kind: str, version_number: int | None = None) -> None:
    for listener in PAPER_LISTENERS:
        listener(document, kind, version_number)
