"""Slots: how apps above the core add to the core's pages and decisions without the core
importing them (home panels, profile lines, second-factor rules, paper listeners).

An app registers a function in its ``AppConfig.ready``; the owner of the slot calls the
registered functions in registration order. Registering the same function twice is a no-op,
so a re-run ``ready()`` (tests, autoreload) adds nothing.
"""

from collections.abc import Callable, Iterator


class Slot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[Callable] = []

    def register(self, fn: Callable) -> Callable:
        if fn not in self._entries:
            self._entries.append(fn)
        return fn

    def unregister(self, fn: Callable) -> None:
        """Take a function out again (tests that add one for a while)."""
        self._entries.remove(fn)

    def __iter__(self) -> Iterator[Callable]:
        return iter(tuple(self._entries))
