"""PDFs of the record and of the printable agenda, rendered by WeasyPrint from HTML.

The fonts are the system's Noto families (Debian ``fonts-noto-core``): Noto Sans carries the
Vietnamese diacritics ("Nguyễn Văn Cẩn"), Noto Sans Thai and Noto Sans Khmer the Thai and
Khmer scripts; fontconfig falls back along the CSS list glyph by glyph. No URL is fetched
while rendering (``url_fetcher`` refuses everything), so user text cannot make the server
load a remote or local file.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import Meeting
from records import selectors


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"The PDF renderer fetches nothing ({url[:40]}).")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def record_pdf(record: selectors.Record) -> bytes:
    html = render_to_string("records/record_pdf.html", {
        "record": record, "meeting": record.meeting, "generated_at": timezone.now(),
    })
    return html_to_pdf(html)


def record_pdf_for(user, meeting: Meeting) -> bytes:
    return record_pdf(selectors.record_for(user, meeting))


def record_pdf_for_audience(meeting: Meeting) -> bytes:
    return record_pdf(selectors.record_for_audience(meeting, selectors.members_audience()))


def agenda_pdf_for(user, meeting: Meeting) -> bytes:
    from meetings.selectors import agenda_for

    previous, arising = selectors.matters_arising(user, meeting)
    html = render_to_string("records/agenda_pdf.html", {
        "meeting": meeting, "agenda": agenda_for(user, meeting), "previous": previous,
        "arising": arising, "generated_at": timezone.now(),
    })
    return html_to_pdf(html)
