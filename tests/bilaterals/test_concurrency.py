"""Two answers accepted at the same moment cannot both take Japan Customs' hour: the
scheduler serialises a meeting's scheduling writes on the meeting's row (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from meetings.bilaterals import services
from meetings.bilaterals.models import Bilateral
from tests.bilaterals.conftest import at, request

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_accepts_schedule_only_one(meeting, delegations, rooms, secretariat,
                                              japan_customs):
    asks = [request(secretariat, meeting, delegations[code], partner=japan_customs, size=4,
                    slots=[(at(1, "12:15"), at(1, "13:00"))]) for code in ("VN", "MY")]
    barrier = threading.Barrier(len(asks))
    outcomes = []

    def accept(bilateral):
        try:
            barrier.wait()
            services.bilateral_accept(actor=secretariat, bilateral_id=bilateral.pk,
                                      proposal_id=bilateral.proposals.get().pk)
            outcomes.append("accepted")
        except ValidationError as exc:
            outcomes.append(" ".join(m for ms in exc.message_dict.values() for m in ms))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(b,)) for b in asks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("accepted") == 1
    (refusal,) = [o for o in outcomes if o != "accepted"]
    assert "Japan Customs already has the Bilateral" in refusal
    assert Bilateral.objects.scheduled().count() == 1
