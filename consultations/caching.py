"""The consultations' data version (``secretariat.dataversion``): what the schedule and the
home page's "Upcoming consultations" show (consultations, their series and partners), cached
until the next write to any of it, on any process. Meetings they sit alongside are named from
the meetings' own version, which the cached parts name too."""

from secretariat.dataversion import DataVersion

CONSULTATIONS = DataVersion("consultations")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from secretariat.models import Partner

    CONSULTATIONS.connect([Consultation, ConsultationSeries, Partner])
