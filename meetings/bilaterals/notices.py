"""Emails of the bilateral scheduler (filled in with the portal's outbox)."""


def bilateral_requested(bilateral) -> None:
    pass


def bilateral_answered(bilateral, *, actor_side) -> None:
    pass
