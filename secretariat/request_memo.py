"""Answers computed once per request (issue 14): who chairs what, asked by the page and by
every panel and section other apps add to it, is one query per request instead of one per
asker.

``RequestMemoMiddleware`` opens a memo for each GET or HEAD request and closes it after the
response; ``memo(key, compute)`` answers from it, or computes and keeps. Outside a request (a
service, a task, a test calling a selector) and in requests that write (POST, PATCH, ...:
a write may change the answer half-way through), nothing is kept and every call computes.
A request is one instant, so one answer holds for all of it.
"""

import contextvars
from collections.abc import Callable, Hashable

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_memo", default=None)


def memo(key: Hashable, compute: Callable[[], object]):
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def active() -> bool:
    """Are we inside a GET or HEAD request (a memo is open)?"""
    return _memo.get() is not None


def forget(key: Hashable) -> None:
    """Drop one memoised answer (its data was just written)."""
    store = _memo.get()
    if store is not None:
        store.pop(key, None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
