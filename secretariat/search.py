"""Search across the portal (``/search/``): the machinery, once; each app says what it offers.

An app registers a *kind* in its ``AppConfig.ready`` with ``register_kind(label, finder)``;
``finder(user, query, limit) -> list[Hit]`` returns what ``user`` may see, and nothing else
(each finder starts from the app's own ``visible_to`` scoping, as every page does). The
page groups the hits by kind, in registration order.

``full_text`` does the matching for a finder:

- PostgreSQL: ``to_tsvector('english', …) @@ websearch_to_tsquery('english', q)`` over the
  fields named, so English words are stemmed ("seizures" finds "seizure"), ranked by
  ``ts_rank``, with a ``ts_headline`` snippet. Small tables (milestones, bodies, meetings,
  consultations, decisions) build the vector on the fly; documents, whose extracted text can
  be long, use their stored, GIN-indexed vector (``vector_field``).
- SQLite (the demo): a plain ``icontains`` on each field and a snippet cut around the first
  match in Python; no stemming. Good enough for a demo, said here rather than hidden.

Snippets are escaped: ``ts_headline`` marks the matched words with two private-use
characters (stripped from the text first, so the text cannot forge them), the whole snippet is
HTML-escaped, and only then are the two characters turned into ``<mark>``/``</mark>``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Q, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "english"
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    "FragmentDelimiter=\" … \""
)
SNIPPET_CHARS = 220


@dataclass
class Hit:
    title: str
    url: str
    snippet: SafeString
    detail: str = ""


Finder = Callable[..., list[Hit]]


@dataclass
class Kind:
    key: str
    label: str
    finder: Finder
    position: int


_kinds: list[Kind] = []


def register_kind(key: str, label: str, finder: Finder, *, position: int = 50) -> None:
    """``position`` orders the groups on the page whatever the order apps load in."""
    if all(kind.key != key for kind in _kinds):
        _kinds.append(Kind(key, label, finder, position))
        _kinds.sort(key=lambda kind: (kind.position, kind.key))


def kinds() -> list[Kind]:
    return list(_kinds)


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]


def search(user, query: str, *, limit: int = 20) -> list[Group]:
    """Every kind's hits for ``query`` that ``user`` may see; one query per kind."""
    query = query.strip()
    if not query:
        return []
    return [Group(k.key, k.label, k.finder(user, query, limit)) for k in _kinds]


def snippet_html(headline: str) -> SafeString:
    """Escape the headline, then turn the two markers (and only them) into ``<mark>``."""
    text = escape(headline or "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _joined(fields: list[str]) -> Func:
    """``translate(concat_ws(' ', f1, f2, ...), markers, '')``: the fields as one text, the
    marker characters removed so only ts_headline can place them."""
    joined = Func(Value(" "), *[F(f) for f in fields], function="concat_ws",
                  output_field=TextField())
    return Func(joined, Value(START + STOP), Value(""), function="translate",
                output_field=TextField())


class _Config(Value):
    """The text-search configuration, typed as such (``'english'::regconfig``)."""

    def __init__(self):
        super().__init__(SEARCH_CONFIG)

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        return f"{sql}::regconfig", params


def _tsquery(query: str) -> Func:
    return Func(_Config(), Value(query), function="websearch_to_tsquery",
                output_field=TextField())


class _Matches(Func):
    """``vector @@ query`` as a boolean expression."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


def full_text(queryset, query: str, *, fields: list[str], limit: int,
              vector_field: str | None = None):
    """``queryset`` narrowed to the rows matching ``query`` in ``fields``, best first, each
    with a ``search_snippet`` (``SafeString``). One query."""
    if connection.vendor != "postgresql":
        rule = Q()
        for name in fields:
            rule |= Q(**{f"{name}__icontains": query})
        rows = list(queryset.filter(rule)[:limit])
        for row in rows:
            row.search_snippet = _python_snippet(
                " ".join(str(_value(row, f) or "") for f in fields), query)
        return rows
    text = _joined(fields)
    vector = Func(_Config(), text, function="to_tsvector", output_field=TextField())
    if vector_field:
        # The stored vector; a paper whose text is not extracted yet (the job runs after
        # the upload) is still found by its title.
        vector = Coalesce(F(vector_field), vector, output_field=TextField())
    rows = list(
        queryset.filter(_Matches(vector, _tsquery(query)))
        .annotate(
            search_rank=Func(vector, _tsquery(query), function="ts_rank",
                             output_field=FloatField()),
            search_headline=Func(_Config(), text, _tsquery(query), Value(HEADLINE_OPTIONS),
                                 function="ts_headline", output_field=TextField()),
        )
        .order_by("-search_rank", "pk")[:limit]
    )
    for row in rows:
        row.search_snippet = snippet_html(row.search_headline)
    return rows


def _value(row, path: str):
    for part in path.split("__"):
        row = getattr(row, part, None) if row is not None else None
    return row


def _python_snippet(text: str, query: str) -> SafeString:
    """SQLite: about ``SNIPPET_CHARS`` around the first match, the match marked."""
    text = text.replace(START, "").replace(STOP, "")
    at = text.lower().find(query.lower())
    if at < 0:
        return snippet_html(text[:SNIPPET_CHARS])
    start = max(0, at - SNIPPET_CHARS // 2)
    end = at + len(query)
    piece = (text[start:at] + START + text[at:end] + STOP
             + text[end:end + SNIPPET_CHARS // 2])
    return snippet_html(("… " if start else "") + piece)
