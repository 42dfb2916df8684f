"""The consultations' data version (``secretariat.dataversion``): what the schedule, the home
page's "Upcoming consultations" and the meeting page's consultations held alongside
(``integrations.meeting_section``) show: consultations, their series and partners, cached
until the next write to any of it, on any process. Keys carry ``meetings.caching.MEETINGS``'s
token too where meetings' data (a title) is shown with them.
"""

from secretariat.dataversion import DataVersion

CONSULTATIONS = DataVersion("consultations")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from secretariat.models import Partner

    CONSULTATIONS.connect([Consultation, ConsultationSeries, Partner])
