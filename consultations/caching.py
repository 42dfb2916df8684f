"""The consultations' data version (``secretariat.dataversion``): what the consultations API
list shows (consultations, their series and partners, the papers attached to them and who
heads which delegation, which opens restricted papers) for logged-in callers, cached until
the next write to any of it, on any process. The host meeting's title is the meetings' data
(``meetings.caching.MEETINGS``): a cached list names both versions."""

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
