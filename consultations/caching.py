"""The consultations' data version (``secretariat.dataversion``): what the schedule, the home
page's "Upcoming consultations", the meeting page's consultations held alongside
(``integrations.meeting_section``) and the consultations API list show: consultations, their
series and partners, the papers attached and who heads which delegation (which opens
restricted papers), cached until the next write to any of it, on any process. Keys carry
``meetings.caching.MEETINGS``'s token too where meetings' data (a title) is shown.
"""

from secretariat.dataversion import DataVersion

CONSULTATIONS = DataVersion("consultations")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from meetings.models import Delegation, DelegationMember, Document
    from secretariat.models import Partner

    # The services write with save() (consultation_update, document and delegation services),
    # so the signals see every write; none of them uses QuerySet.update() on these rows.
    CONSULTATIONS.connect(
        [Consultation, ConsultationSeries, Partner, Document, Delegation, DelegationMember],
        m2m=[Consultation.documents.through],
    )
