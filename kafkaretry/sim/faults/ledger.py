"""Which of a scenario's faults have struck: what a stopped run reports as never taken place."""

from __future__ import annotations

from kafkaretry.sim.settings import CrashBroker, Fault, StopBroker


class FaultLedger:
    """The scenario's faults, in file order, each pending until its action has really run.

    A fault is pending while its at_ms has not come, while its trigger (`when`) waits, and
    while a restart-broker waits for its broker to stop (faults/handlers.py).
    """

    __slots__ = ("_faults", "_pending")

    def __init__(self, faults: tuple[Fault, ...], kinds: tuple[str, ...]) -> None:
        self._faults = faults
        self._pending: dict[int, str] = dict(enumerate(kinds))

    def _index(self, fault: Fault) -> int:
        return next(i for i, f in enumerate(self._faults) if f is fault)

    def struck(self, fault: Fault) -> None:
        self._pending.pop(self._index(fault), None)

    def hold(self, fault: Fault, kind: str) -> None:
        """`fault` fired but waits for something before it acts: pending again."""
        self._pending[self._index(fault)] = kind

    def stop_planned(self, broker: int) -> Fault | None:
        """A stop-broker or crash-broker still to strike that may hit `broker` (its id, or
        `partition-leader`, known only when it strikes)."""
        for i in sorted(self._pending):
            fault = self._faults[i]
            if isinstance(fault, StopBroker | CrashBroker) and fault.broker in (
                broker,
                "partition-leader",
            ):
                return fault
        return None

    def pending(self) -> tuple[tuple[str, int], ...]:
        """(kind, at_ms) of every fault that has not struck, in the scenario's order."""
        return tuple((kind, self._faults[i].at_ms) for i, kind in sorted(self._pending.items()))
