"""Emails of enforcement, through the portal's outbox (``secretariat.outbox``).

When a seizure report is filed, the other enforcement contacts hear that there is one, with a
link. The email carries no seizure data at all (no commodity, quantity, place or route): mail
leaves the portal's access control once sent, so the data stays behind the clearance and the
link asks for it again. At send time the preparer re-checks that the recipient still holds
the clearance; a person whose flag was revoked meanwhile gets nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from secretariat import outbox
from workgroups.enforcement.access import forget, sees_seizures
from workgroups.enforcement.models import EnforcementContact

PURPOSE = "enforcement.report_filed"


def report_filed(report, *, actor) -> None:
    """Queue one email per other enforcement contact (call inside the filing transaction)."""
    operation = report.operation.name if report.operation else "no joint operation"
    for contact in EnforcementContact.objects.select_related("user").exclude(user=actor):
        user = contact.user
        if not user.is_active or not user.email:
            continue
        outbox.queue_email(
            purpose=PURPOSE, obj=report, recipient=user.email, user=user,
            template="emails/notice",
            context={
                "subject": f"New seizure report ({operation})",
                "body": "A seizure report was filed. Its details are in the portal, for "
                        "enforcement contacts only.",
                "url_path": reverse("enforcement:report", args=[report.pk]),
                "url_label": "Open the report",
            },
        )


@outbox.preparer(PURPOSE)
def _prepare(message) -> outbox.Prepared:
    user = get_user_model().objects.filter(pk=message.user_id).first()
    if user is not None:
        forget(user)
    if user is None or not sees_seizures(user):
        raise outbox.Cancel("The recipient no longer holds the enforcement clearance.")
    return outbox.Prepared(context={
        "url": f"{settings.PORTAL_BASE_URL}{message.context.get('url_path', '')}"})
