"""Outbox preparers of meetings (imported at start-up with every app's ``notices``)."""

from meetings import convening  # noqa: F401  (registers the convening preparer)
