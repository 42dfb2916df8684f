"""Background work of meetings: thin tasks that take ids and call a service."""

from celery import shared_task

from meetings import services


@shared_task(acks_late=True, ignore_result=True)
def extract_document_text(document_id: int) -> None:
    """Index the latest version's text for search. Idempotent: a redelivery rewrites the same."""
    services.document_text_extract(document_id=document_id)
