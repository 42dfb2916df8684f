"""The consultations' data version (``secretariat.dataversion``): the consultations held
alongside a meeting, as the meeting page shows them (``integrations.meeting_section``).

Keys carry ``meetings.caching.MEETINGS``'s token too, for the meeting's own data shown with
them (its title).
"""

from secretariat.dataversion import DataVersion

CONSULTATIONS = DataVersion("consultations")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from secretariat.models import Partner

    CONSULTATIONS.connect([Consultation, ConsultationSeries, Partner])
