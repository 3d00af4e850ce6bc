"""Which faults struck, and a restart that waits for its broker to stop."""

from __future__ import annotations

import dataclasses

from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.faults.ledger import FaultLedger
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.settings import CrashBroker, Heal, RestartBroker
from kafkaretry.sim.simulation import Simulation
from tests.sim.helpers import book


def test_the_ledger_keeps_each_fault_pending_until_it_struck() -> None:
    crash, restart, heal = CrashBroker(4, 50), RestartBroker(4, 10), Heal(5, 70)
    ledger = FaultLedger((crash, restart, heal), ("crash-broker", "restart-broker", "heal"))
    assert ledger.stop_planned(4) is crash
    assert ledger.stop_planned(5) is None
    ledger.struck(restart)
    ledger.hold(restart, "restart-broker")  # fired, but waits for the crash
    ledger.struck(crash)
    assert ledger.stop_planned(4) is None
    assert ledger.pending() == (("restart-broker", 10), ("heal", 70))


def test_a_restart_due_before_a_crash_starts_the_broker_right_after_it() -> None:
    inputs = scenario_inputs(book(), "broker-down", plan=FaultPlan(at_ms=5_000))
    trace = Simulation(
        dataclasses.replace(inputs, faults=(*inputs.faults, RestartBroker(4, 100))), 0
    ).run()
    assert [(at, e.detail) for at, e in trace.of_type(ev.FaultArmed)] == [
        (
            100,
            "broker 4 is still running: the restart waits until it has stopped "
            "(the crash-broker fault is due at 5000 ms)",
        )
    ]
    assert [at for at, _ in trace.of_type(k.BrokerCrashed)] == [5_000]
    assert [at for at, _ in trace.of_type(k.BrokerRestarted)] == [5_000]
    # The old process's connection is reset one hop later although a new process runs.
    assert [at for at, e in trace.of_type(ev.ConnectionClosed) if e.broker == 4] == [5_001]
    assert trace.of_type(k.BrokerUnfenced)


def test_a_restart_waiting_for_a_stop_that_hits_another_broker_gives_up() -> None:
    # The stop targets partition 0's leader, broker 4; the restart names broker 5.
    inputs = scenario_inputs(book(), "rolling-restart")
    faults = (inputs.faults[0], RestartBroker(5, 200))
    trace = Simulation(dataclasses.replace(inputs, faults=faults), 0).run()
    assert [(at, e.detail) for at, e in trace.of_type(ev.FaultArmed)] == [
        (
            200,
            "broker 5 is still running: the restart waits until it has stopped "
            "(the stop-broker fault is due at 500 ms)",
        ),
        (500, "broker 5 was not stopped: nothing to restart"),
    ]
    assert not trace.of_type(k.BrokerRestarted)
