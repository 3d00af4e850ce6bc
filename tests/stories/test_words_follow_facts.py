"""Each story heading's claim holds in the run that printed it, on many varied runs."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import analyse
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Trace
from tests.sim.helpers import book
from tests.stories.common import cli, story

VARIANTS: list[tuple[str, ...]] = [
    (),
    ("acks=1",),
    ("enable.idempotence=true",),
    ("request.timeout.ms=5000",),
    ("unclean.leader.election.enable=false",),
    ("replica.lag.time.max.ms=10000",),
]
RUNS = [
    (name, seed, sets)
    for name in sorted(book().scenarios)
    for seed in (0,)
    for sets in VARIANTS
    if not (name == "ack-loss" and sets == ("acks=1",))
    # acks=1 set in the file with enable.idempotence=true is a ConfigException (tested apart)
    and not (name == "acks1-loss" and sets == ("enable.idempotence=true",))
]


def _claims(trace: Trace) -> dict[str, bool]:
    """Phrases a heading may use, and whether the run bears each out."""
    retried = any(e.attempt > 1 for _, e in trace.of_type(ev.ProduceRequestSent))
    return {
        "the producer retries the same batch": retried,
        "the log is out of send order": any(r.reordered for r in analyse(trace).records),
        "Unclean leader election": any(
            e.unclean for _, e in trace.of_type(k.PartitionLeaderElected)
        ),
        "(NOT_ENOUGH_REPLICAS)": bool(trace.of_type(ev.NotEnoughReplicas)),
        "goes offline": any(e.new_leader < 0 for _, e in trace.of_type(k.PartitionLeaderElected)),
        "rejoins the ISR": bool(trace.of_type(k.IsrExpanded)),
        "acknowledges the record": trace.acknowledgement(0) is not None,
        "expires": bool(trace.of_type(ev.RecordExpired)),
    }


def _headings(stdout: str) -> str:
    """Every heading with its wrapped continuation lines, as one string."""
    out: list[str] = []
    inside = False
    for line in stdout.splitlines():
        if line.startswith("Stage ") or (line.startswith("… ") and " more moments " not in line):
            inside = True
        elif not line.strip():
            inside = False
        if inside:
            out.append(line.strip())
    return " ".join(out)


@pytest.mark.parametrize(
    ("name", "sets", "phrase"),
    [
        ("reordering", (), "the log is out of send order"),
        ("unclean-election", (), "Unclean leader election"),
        ("unclean-election", ("unclean.leader.election.enable=false",), "goes offline"),
        ("min-isr", (), "(NOT_ENOUGH_REPLICAS)"),
        ("min-isr", (), "expires"),
        ("lagging-follower", (), "rejoins the ISR"),
        ("broker-unreachable", (), "the producer retries the same batch"),
    ],
)
def test_the_stories_make_their_claims(name: str, sets: tuple[str, ...], phrase: str) -> None:
    args = [name]
    for pair in sets:
        args += ["--set", pair]
    assert phrase in _headings(cli(*args).stdout)


@pytest.mark.parametrize(("name", "seed", "sets"), RUNS)
def test_headings_claim_only_what_happened(name: str, seed: int, sets: tuple[str, ...]) -> None:
    args = [name, "--seed", str(seed)]
    for pair in sets:
        args += ["--set", pair]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    headings = _headings(result.stdout)
    overrides = {p.split("=")[0].replace(".", "_"): p.split("=")[1] for p in sets}
    for phrase, happened in _claims(story(name, seed, **overrides)).items():
        if phrase in headings:
            assert happened, f"{name} {sets}: '{phrase}' printed but did not happen"
