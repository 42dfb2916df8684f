"""The reporting data version (``secretariat.dataversion``): what the home page's "Upcoming
report deadlines" shows (cycles, reports and their states), cached until the next write to
any of it, on any process."""

from secretariat.dataversion import DataVersion

REPORTING = DataVersion("reporting")


def connect_signals() -> None:
    from workgroups.models import Body
    from workgroups.reporting.models import ProgressReport, ReportingCycle

    # Opening a cycle bulk-creates its reports (no signal) and then saves the cycle (one).
    REPORTING.connect([ReportingCycle, ProgressReport, Body])
