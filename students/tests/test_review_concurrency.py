"""Two people deciding the same pair at the same moment: one decision wins, the other is told (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from students import review
from students.models import DuplicateCandidate, Student
from students.tests.factories import DuplicateCandidateFactory


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_on_one_pair_leave_exactly_one(commune_a, commune_b, education_office_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    pair = DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_b)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision):
        try:
            barrier.wait(timeout=10)
            review.pair_decide(pair_id=pair.pk, decision=decision, user=education_office_user)
            outcomes.append(decision)
        except review.ReviewError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(decision,)) for decision in ("same", "different")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes.count("refused") == 1
    pair.refresh_from_db()
    winner = next(outcome for outcome in outcomes if outcome != "refused")
    assert pair.decision == winner
    expected = Student.Status.DUPLICATE if winner == DuplicateCandidate.Decision.SAME else Student.Status.LISTED
    assert Student.objects.get(pk=pair.candidate_id).status == expected
