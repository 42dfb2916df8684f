"""The enforcement data version (``secretariat.dataversion``): who holds the clearance and
what the home page's "Recent seizure reports" shows, cached until the next write to any of
it, on any process."""

from secretariat.dataversion import DataVersion

ENFORCEMENT = DataVersion("enforcement")


def connect_signals() -> None:
    from secretariat.models import Administration
    from workgroups.enforcement.models import (
        EnforcementContact,
        Operation,
        SeizureLine,
        SeizureReport,
    )

    ENFORCEMENT.connect([EnforcementContact, Operation, SeizureReport, SeizureLine,
                         Administration])
