"""Paper events for the apps above ``meetings`` (``records`` tells people a paper arrived)
without ``meetings`` importing them.

Register ``fn(document, kind, version_number)`` in your ``AppConfig.ready`` with
``register_paper_listener``; ``kind`` is "posted", "replaced" or "withdrawn". Listeners run
inside the service's transaction, so what they record commits or rolls back with the paper.
"""

from collections.abc import Callable

PaperListener = Callable[..., None]
_listeners: list[PaperListener] = []


def register_paper_listener(listener: PaperListener) -> PaperListener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def paper_changed(document, kind: str, version_number: int | None = None) -> None:
    for listener in _listeners:
        listener(document, kind, version_number)
