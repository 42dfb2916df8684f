"""The agenda as a tree: visibility capped by the parent, numbers computed for each viewer.

Two rules live here and nowhere else:

* **A child is never more visible than its parent.** ``visibility_cap`` gives the widest
  visibility an item may have under a parent; the services refuse anything wider.
* **Numbers never reveal a hidden item.** ``numbered_tree`` numbers the items a viewer may
  see among the siblings that viewer may see: a delegate looking at an agenda whose item 13
  is secretariat-only sees 12 followed by 13 (the former 14), and no "13.1" hints at it.
"""

from collections.abc import Iterable

from meetings.models import AgendaItem, Visibility

# Widest first: a child's rank must not exceed its parent's.
RANK = {Visibility.PUBLIC: 2, Visibility.MEMBERS: 1, Visibility.SECRETARIAT: 0}


def rank(visibility: str) -> int:
    return RANK[Visibility(visibility)]


def visibility_cap(parent: AgendaItem | None) -> str:
    """The widest visibility allowed under ``parent`` (public at the top level)."""
    return Visibility.PUBLIC if parent is None else parent.visibility


def allowed_visibilities(parent: AgendaItem | None) -> list[tuple[str, str]]:
    cap = rank(visibility_cap(parent))
    return [(v.value, v.label) for v in Visibility if rank(v) <= cap]


def check_visibility(visibility: str, parent: AgendaItem | None) -> str | None:
    """An error message if ``visibility`` is wider than the parent allows, else None."""
    if parent is not None and rank(visibility) > rank(parent.visibility):
        return (
            f"An item under “{parent.title}” cannot be more visible than it "
            f"({parent.get_visibility_display().lower()})."
        )
    return None


def numbered_tree(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """Depth-first order with ``display_number``, ``depth`` and ``children_list`` set.

    ``items`` are the items ONE viewer may see (already filtered): an item whose parent is
    not among them is dropped too, so a stray wider child of a hidden parent (data entered
    before the cap existed) cannot surface. Siblings are numbered 1, 2, 3 in position order.
    """
    items = list(items)
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)
    ordered: list[AgendaItem] = []

    def walk(parent_id, prefix: str, depth: int):
        siblings = sorted(by_parent.get(parent_id, []), key=lambda i: (i.position, i.pk))
        for index, item in enumerate(siblings, start=1):
            item.display_number = f"{prefix}{index}"
            item.depth = depth
            item.children_list = sorted(by_parent.get(item.pk, []),
                                        key=lambda i: (i.position, i.pk))
            ordered.append(item)
            walk(item.pk, f"{item.display_number}.", depth + 1)

    walk(None, "", 0)
    return ordered
