"""Sections that apps above ``meetings`` add to the meeting page (``consultations`` lists the
consultations held alongside) without ``meetings`` importing them.

Register ``fn(request, meeting) -> str | None`` in your ``AppConfig.ready`` with
``register_meeting_section``; return HTML from ``render_to_string`` (a safe string; anything
else is escaped), or None to show nothing. Sections appear after the documents, in
registration order.

The page itself is cached per audience (``meetings.page``); a section caches itself, in its
own app, under its own data version (``secretariat.dataversion``) with
``meetings.caching.MEETINGS.current()`` in its key for the meetings' data it shows. So
``meeting`` is lazy (``meetings.page.LazyMeeting``): ``meeting.pk`` and ``meeting.body_id``
cost nothing, any other attribute loads the meeting (one query) — read those only when
building the section.
"""

from collections.abc import Callable

from django.utils.html import conditional_escape

MeetingSection = Callable[..., str | None]
_sections: list[MeetingSection] = []


def register_meeting_section(section: MeetingSection) -> MeetingSection:
    if section not in _sections:
        _sections.append(section)
    return section


def meeting_sections_for(request, meeting) -> list[str]:
    return [conditional_escape(s) for s in (fn(request, meeting) for fn in _sections) if s]
