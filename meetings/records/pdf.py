"""PDFs of the record and of the printable agenda, rendered by WeasyPrint from HTML.

The fonts are the system's Noto families (Debian ``fonts-noto-core``): Noto Sans carries the
Vietnamese diacritics ("Nguyễn Văn Cẩn"), Noto Sans Thai and Noto Sans Khmer the Thai and
Khmer scripts; fontconfig falls back along the CSS list glyph by glyph. No URL is fetched
while rendering (``url_fetcher`` refuses everything), so user text cannot make the server
load a remote or local file.
"""

import hashlib
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import Meeting
from meetings.records import selectors


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"The PDF renderer fetches nothing ({url[:40]}).")


# Content-addressed: the key is the hash of the exact HTML a reader gets, so two readers who
# may see the same record share one rendering (about a second of CPU each on this machine)
# and any change of content, audience or day is a new key: nothing to invalidate.
PDF_CACHE_SECONDS = 6 * 3600
PDF_STYLESHEET = Path(__file__).parent / "pdf_assets" / "record.css"


def html_to_pdf(html: str) -> bytes:
    key = "records-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    from weasyprint import CSS, HTML  # heavy import, only where a PDF is made

    # The stylesheet is a file beside this module, not a <style> block in a template: the
    # portal's templates hold no inline styles (the CSP scan checks every one of them).
    content = HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
    cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def record_pdf(record: selectors.Record) -> bytes:
    html = render_to_string("records/record_pdf.html", {
        "record": record, "meeting": record.meeting, "generated_on": timezone.localdate(),
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
        "arising": arising, "generated_on": timezone.localdate(),
    })
    return html_to_pdf(html)
