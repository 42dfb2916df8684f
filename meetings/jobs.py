"""Background jobs of meetings, run through the core's job records (``secretariat.jobs``)."""

from secretariat import jobs

EXTRACT_TEXT = "meetings.extract_text"


@jobs.job(EXTRACT_TEXT)
def extract_text(*, document_id: int) -> None:
    """Index the latest version's text for search. Idempotent: a rerun rewrites the same."""
    from meetings.services import document_text_extract

    document_text_extract(document_id=document_id)
