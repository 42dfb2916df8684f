"""The consultations' data version (``secretariat.dataversion``): what the home page's
"Upcoming consultations" shows (consultations, their series and partners), cached until the
next write to any of it, on any process."""

from secretariat.dataversion import DataVersion

CONSULTATIONS = DataVersion("consultations")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from secretariat.models import Partner

    CONSULTATIONS.connect([Consultation, ConsultationSeries, Partner])
