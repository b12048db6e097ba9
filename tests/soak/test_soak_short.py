"""The soak's short version (issue 17; `make soak` is the long one): a minute of candidates
over socket.io through nginx on the production shape, two live handoffs, while the Rasa
process serving most of them and an action server are killed and Redis and RabbitMQ
restart, one of them booking a coffee; then bursts of three quick messages spread over
both Rasa processes. Nothing acknowledged is lost and no conversation is out of order."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import port
from tests.e2e.shape import Ports, running_shape
from tests.soak.engine import Fault, bursts, outcome, soak, table

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(1500)]

PORTS = Ports(
    entry=port(15720), rasa=(port(15725), port(15726)), actions=(port(15775), port(15776))
)


def test_a_minute_with_faults_loses_nothing_and_keeps_every_conversation_in_order(
    trained, tmp_path
):
    faults = [
        Fault(12, "kill rasa"),
        Fault(25, "restart redis"),
        Fault(35, "kill actions-1"),
        Fault(45, "restart rabbitmq"),
    ]
    with running_shape(trained.model, tmp_path, PORTS) as shape:
        run = asyncio.run(
            soak(shape, candidates=12, seconds=60, handoffs=2, faults=faults, think=(0.5, 2.0))
        )
        burst = asyncio.run(bursts(shape, 40))
        result = outcome(run, shape.database_url)
        print(table(run, result, burst))
        assert [f.name for f in run.faults if not f.recovered] == [], shape.report()
    assert result.lost == [], result.lost
    assert result.out_of_order == [], result.out_of_order
    assert (burst.lost, burst.mismatched, burst.interleaved, burst.failed) == (0, 0, 0, [])
    # every message was acknowledged in the end, and most were answered
    assert result.acknowledged == result.sent > 12 * 5
    assert result.answered >= 0.9 * result.candidate_messages
    assert run.handoffs_done == 2, run.handoffs_failed
    # candidate 3 asked for a coffee with an engineer and booked a slot of the offer
    assert run.bookings == {"confirmed": 1}, run.bookings
