"""Bad input of every kind: exit 2 and one short line naming the value's place, never more.

Each row is the command line and the whole message. The Java types of the settings are
written out here, from ProducerConfig, KRaftConfigs, QuorumConfig and ReplicationConfigs
(Kafka 4.1): the battery checks kafkaretry against them, not against itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.scenario import SETTING_OWNERS
from tests.conftest import ROOT, SCENARIOS

INT, LONG = (2**31 - 1, "INT"), (2**63 - 1, "LONG")
# Where ConfigDef sets no validator, the lowest value is kafkaretry's and the message says so.
OURS = " (kafkaretry's bound: Kafka's ConfigDef sets none)"
IDLE = " (kafkaretry's bound: Kafka takes 0 as no NoOpRecord, not modelled)"
# Kafka name: (Java type, lowest value accepted, what follows the range), from the 4.1 ConfigDefs.
NUMBERS: dict[str, tuple[tuple[int, str], int, str]] = {
    # ProducerConfig.CONFIG
    "retries": (INT, 0, ""),  # between(0, Integer.MAX_VALUE)
    "max.in.flight.requests.per.connection": (INT, 1, ""),  # atLeast(1)
    "request.timeout.ms": (INT, 0, ""),  # atLeast(0)
    "delivery.timeout.ms": (INT, 0, ""),  # atLeast(0)
    "linger.ms": (LONG, 0, ""),  # atLeast(0)
    "batch.size": (INT, 0, ""),  # atLeast(0)
    "retry.backoff.ms": (LONG, 0, ""),  # atLeast(0L)
    "retry.backoff.max.ms": (LONG, 0, ""),  # atLeast(0L)
    "reconnect.backoff.ms": (LONG, 0, ""),  # atLeast(0L)
    "reconnect.backoff.max.ms": (LONG, 0, ""),  # atLeast(0L)
    "socket.connection.setup.timeout.ms": (LONG, 1, OURS),  # no validator
    "socket.connection.setup.timeout.max.ms": (LONG, 1, OURS),  # no validator
    "metadata.max.age.ms": (LONG, 0, ""),  # atLeast(0)
    "max.block.ms": (LONG, 0, ""),  # atLeast(0)
    # KRaftConfigs.CONFIG_DEF: null validators
    "broker.heartbeat.interval.ms": (INT, 1, OURS),
    "broker.session.timeout.ms": (INT, 1, OURS),
    # QuorumConfig.CONFIG_DEF: atLeast(0) for all
    "controller.quorum.fetch.timeout.ms": (INT, 0, ""),
    "controller.quorum.election.timeout.ms": (INT, 0, ""),
    "controller.quorum.election.backoff.max.ms": (INT, 0, ""),
    "controller.quorum.request.timeout.ms": (INT, 0, ""),
    "controller.quorum.append.linger.ms": (INT, 0, ""),
    "controller.quorum.retry.backoff.ms": (INT, 0, ""),
    "metadata.max.idle.interval.ms": (INT, 1, IDLE),  # MetadataLogConfig: atLeast(0)
    # ReplicationConfigs.CONFIG_DEF
    "replica.lag.time.max.ms": (LONG, 1, OURS),  # no validator
    "replica.fetch.wait.max.ms": (INT, 0, OURS),  # no validator
    "min.insync.replicas": (INT, 1, ""),  # LogConfig: atLeast(1)
    "leader.imbalance.check.interval.seconds": (LONG, 1, ""),  # atLeast(1)
    "network.latency.ms": (INT, 0, ""),  # a model assumption, kept to a Java int
}
BOOLEANS = (
    "enable.idempotence",
    "unclean.leader.election.enable",
    "auto.leader.rebalance.enable",
)
HUGE = "9" * 400


def _number_cases() -> list[tuple[list[str], str]]:
    cases = []
    for name, ((high, kind), low, why) in NUMBERS.items():
        prefix = f"error: --set {name}:"
        span = f"must be a Java {kind} from {low} to {high}{why}"
        cases += [
            ([f"{name}=abc"], f"{prefix} not a number of type {kind} (got 'abc')"),
            ([f"{name}=1_000"], f"{prefix} not a number of type {kind} (got '1_000')"),
            ([f"{name}=true"], f"{prefix} not a number of type {kind} (got 'true')"),
            ([f"{name}={high + 1}"], f"{prefix} {span} (got '{high + 1}')"),
            ([f"{name}={low - 1}"], f"{prefix} {span} (got '{low - 1}')"),
            ([f"{name}={HUGE}"], f"{prefix} {span} (got '{'9' * 36}... (400 characters))"),
        ]
    for name in BOOLEANS:
        for bad in ("yes", "1", "on"):
            cases.append(
                (
                    [f"{name}={bad}"],
                    f"error: --set {name}: expected true or false (type BOOLEAN) (got '{bad}')",
                )
            )
    cases += [
        (["acks=2"], "error: --set acks: Input should be 'all', '1' or '0' (got '2')"),
        (
            ["request.timout.ms=5"],
            "error: unknown setting 'request.timout.ms'; did you mean 'request.timeout.ms' or "
            "'delivery.timeout.ms' or 'broker.session.timeout.ms'?",
        ),
        (["retries"], "error: --set takes NAME=VALUE, got 'retries'"),
        (
            ["q=1"],
            "error: unknown setting 'q'; known: acks, auto.leader.rebalance.enable, batch.size, "
            "broker.heartbeat.interval.ms, broker.session.timeout.ms, "
            "controller.quorum.append.linger.ms, controller.quorum.election.backoff.max.ms, "
            "controller.quorum.election.timeout.ms and 24 more",
        ),
    ]
    return cases


def test_the_battery_covers_every_setting() -> None:
    assert sorted([*NUMBERS, *BOOLEANS, "acks"]) == sorted(SETTING_OWNERS)


def _check(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.rstrip("\n") == message
    assert result.stdout == ""


@pytest.mark.parametrize(("sets", "message"), _number_cases())
def test_every_setting_refuses_a_wrong_type_range_or_spelling(
    sets: list[str], message: str
) -> None:
    _check(["simulate", "ack-loss", *(a for s in sets for a in ("--set", s))], message)


KAFKARETRY = [sys.executable, "-c", "from kafkaretry.cli import main; main()"]
D5000 = "9" * 5000
CUT = "'" + "9" * 36 + "... (5000 characters)"
BASE = SCENARIOS.read_text(encoding="utf-8")
# A file of our own for errors that quote lines and settings: the shipped file's layout may change.
MINI = """\
cluster:
  controllers: [1]
  brokers: [2]
  configs:
    broker.session.timeout.ms: 9000
topics:
  - name: t
    partitions: [{replicas: [2]}]
producer:
  acks: all
  enable.idempotence: null
  request.timeout.ms: 30000
scenarios:
  s:
    description: one
"""
# (arguments, whole message); {d} is the folder of the files below.
COMMAND_LINE: list[tuple[list[str], str]] = [
    (
        ["partition", "--key-type", "int", "--", D5000],
        f"error: key {CUT} is out of range for --key-type int (-2147483648 to 2147483647)",
    ),
    (
        ["partition", "--key-type", "long", "abc"],
        "error: key 'abc' is not an integer (--key-type long)",
    ),
    (
        ["partition", "--key-type", "short", "40000"],
        "error: key '40000' is out of range for --key-type short (-32768 to 32767)",
    ),
    (
        ["partition", "--key-type", "uuid", "xyz"],
        "error: key 'xyz' is not a UUID (expected 8-4-4-4-12 hex digits)",
    ),
    (
        ["partition", "--key-type", "bytes", "zz"],
        "error: key 'zz' is not hex bytes (--key-type bytes takes e.g. 0a1b or 0a:1b)",
    ),
    (
        ["partition", "--key-type", "long", "--keys-file", "{d}/huge.txt"],
        f"error: {{d}}/huge.txt, line 2: key {CUT} is out of range for --key-type long "
        "(-9223372036854775808 to 9223372036854775807)",
    ),
    (
        ["partition", "--keys-file", "{d}/quote.csv", "--csv-column", "key"],
        "error: {d}/quote.csv, line 2: a quoted CSV field opened here is never closed",
    ),
    (
        ["partition", "--keys-file", "{d}/wide.csv", "--csv-column", "key"],
        "error: {d}/wide.csv, line 2: a CSV field longer than 131072 characters; "
        "no key is that long",
    ),
    (
        ["partition", "--keys-file", "{d}/short.csv", "--csv-column", "key"],
        "error: {d}/short.csv, line 2: 1 field(s), no value for column 'key'",
    ),
    (
        ["partition", "--keys-file", "{d}/short.csv", "--csv-column", "nope"],
        "error: {d}/short.csv: no CSV column 'nope'; the header has 'id', 'key'",
    ),
    (
        ["partition", "--keys-file", "{d}/latin1.txt"],
        "error: {d}/latin1.txt, line 2: not valid UTF-8 (byte 0xff)",
    ),
    (
        ["partition", "--keys-file", "{d}/missing.txt"],
        "error: cannot read keys file '{d}/missing.txt': No such file or directory",
    ),
    (
        ["simulate", "ack-loss", "--key-type", "int", "--key", "x"],
        "error: scenario 'ack-loss': key 'x' is not an integer (--key-type int)",
    ),
    (
        ["simulate", "ack-loss", "--key-type", "int", "--key", D5000],
        f"error: scenario 'ack-loss': key {CUT} is out of range for --key-type int "
        "(-2147483648 to 2147483647)",
    ),
    (
        ["simulate", "broker-down", "--broker", "99"],
        "error: --broker 99 is not a broker (brokers: 4, 5, 6)",
    ),
    (
        ["simulate", "broker-down", "--broker", "1"],
        "error: --broker 1 is not a broker (brokers: 4, 5, 6)",
    ),
    (
        ["simulate", "ack-loss", "--at-ms", "5"],
        "error: --at-ms changes a crash-broker or stop-broker fault, and scenario 'ack-loss' "
        "has neither",
    ),
    (
        ["simulate", "broker-unreachable", "--with-controller"],
        "error: --with-controller changes a crash-broker or stop-broker fault, and scenario "
        "'broker-unreachable' has neither",
    ),
    # KafkaConfig.validateValues: each value passes its ConfigDef, the pair does not
    (
        ["simulate", "ack-loss", "--set", "replica.lag.time.max.ms=400"],
        "error: --set replica.lag.time.max.ms=400: KafkaConfig refuses to start the broker: "
        "replica.fetch.wait.max.ms should always be less than or equal to "
        "replica.lag.time.max.ms to prevent frequent changes in ISR (here 500 > 400)",
    ),
    (
        ["simulate", "ack-loss", "--set", "replica.fetch.wait.max.ms=31000"],
        "error: --set replica.fetch.wait.max.ms=31000: KafkaConfig refuses to start the broker: "
        "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to "
        "prevent unnecessary socket timeouts (here 31000 > 30000, the default "
        "replica.socket.timeout.ms)",
    ),
    (
        ["simulate", "ack-loss", "--set", "delivery.timeout.ms=100"],
        "error: the KafkaProducer constructor throws ConfigException, so nothing is sent: "
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms "
        "(here 100 < 5 + 30000)",
    ),
]
# Option values Typer itself parses: Click's usage error, whose last line is the message.
OPTIONS: list[tuple[list[str], str]] = [
    (["partition", "1", "--partitions", "0"], "'--partitions': '0': must be from 1 to 100000"),
    (
        ["partition", "1", "--partitions", "100000000"],
        "'--partitions': '100000000': must be from 1 to 100000",
    ),
    (["partition", "1", "--partitions", D5000], f"'--partitions': {CUT}: must be from 1 to 100000"),
    (
        ["partition", "--keys-file", "{d}/short.csv", "--resize", "100001"],
        "'--resize': '100001': must be from 1 to 100000",
    ),
    (["simulate", "ack-loss", "--seed", "x"], "'--seed': 'x': not a number of type LONG"),
    (
        ["simulate", "ack-loss", "--seed", D5000],
        f"'--seed': {CUT}: must be a Java LONG from -9223372036854775808 to 9223372036854775807",
    ),
    (
        ["simulate", "broker-down", "--broker", "true"],
        "'--broker': 'true': not a number of type INT",
    ),
    (
        ["simulate", "broker-down", "--broker", "-1"],
        "'--broker': '-1': must be a Java INT from 0 to 2147483647",
    ),
    (["simulate", "broker-down", "--at-ms", "1e3"], "'--at-ms': '1e3': not a number of type LONG"),
    (
        ["simulate", "broker-down", "--at-ms", str(2**63)],
        "'--at-ms': '9223372036854775808': must be a Java LONG from 0 to 9223372036854775807",
    ),
]
# Broken scenario files of every shape: name, content, the message after "error: {d}/NAME: ".
FILES: list[tuple[str, str | bytes, str]] = [
    (
        "tab.yaml",
        "cluster:\n\tmode: kraft\n",
        "invalid YAML at line 2, column 1: found character that cannot start any token",
    ),
    (
        "bracket.yaml",
        "cluster: {controllers: [1, 2\n",
        "invalid YAML at line 2, column 1: did not find expected ',' or ']'",
    ),
    ("alias.yaml", "a: *nothing\n", "invalid YAML at line 1, column 4: found undefined alias"),
    (
        "twice.yaml",
        MINI + "  s:\n    description: twice\n",
        "invalid YAML at line 16, column 3: duplicate key 's' (first given at line 14)",
    ),
    (
        "acks.yaml",
        MINI.replace("  acks: all\n", "  acks: all\n  acks: '1'\n"),
        "invalid YAML at line 11, column 3: duplicate key 'acks' (first given at line 10)",
    ),
    (
        "digits.yaml",
        MINI.replace("broker.session.timeout.ms: 9000", "broker.session.timeout.ms: " + D5000),
        "invalid YAML at line 5, column 32: an integer of 5000 characters; "
        "no Java int or long is that long",
    ),
    (
        "list.yaml",
        "- 1\n",
        "expected a mapping with keys cluster, topics, producer, scenarios; got list",
    ),
    (
        "empty.yaml",
        "",
        "expected a mapping with keys cluster, topics, producer, scenarios; got NoneType",
    ),
    (
        "extra.yaml",
        BASE.replace("cluster:\n", "cluster:\n  colour: blue\n", 1),
        "cluster.colour: Extra inputs are not permitted",
    ),
    (
        "type.yaml",
        BASE.replace("controllers: [1, 2, 3]", "controllers: one"),
        "cluster.controllers: Input should be a valid list (got 'one')",
    ),
    (
        "true.yaml",
        BASE.replace("controllers: [1, 2, 3]", "controllers: [true, 2, 3]"),
        "cluster.controllers[0]: expected a number of type INT (got True)",
    ),
    (
        "long.yaml",
        BASE.replace("controllers: [1, 2, 3]", "controllers: [" + ", ".join(["1"] * 20_000) + "]"),
        "cluster.controllers: 20000 items; a scenario file's lists hold at most 10000",
    ),
    (
        "key.yaml",
        BASE.replace(
            'record: {key: "1", key_type: int}   #', 'record: {key: "abc", key_type: int}   #'
        ),
        "scenarios.ack-loss.record.key: key 'abc' is not an integer (key_type int)",
    ),
    (
        "at.yaml",
        MINI + f"    faults: [{{kind: crash-broker, broker: 2, at_ms: {2**63}}}]\n",
        "scenarios.s.faults[0].at_ms: must be a Java LONG from 0 to 9223372036854775807 "
        "(got 9223372036854775808)",
    ),
    (
        "keyless.yaml",
        BASE.replace('record: {key: "1", key_type: int}\n', "record: {key: null}\n"),
        "scenarios.broker-down.faults[0].broker: partition-leader needs a keyed record "
        "(a keyless record has no partition until the sticky partitioner picks one)",
    ),
    (
        "idem.yaml",
        MINI.replace("  enable.idempotence: null", "  enable.idempotence: yes please"),
        "producer.enable.idempotence: expected true or false (type BOOLEAN) (got 'yes please')",
    ),
    (
        "rto.yaml",
        MINI.replace("  request.timeout.ms: 30000", "  request.timeout.ms: 1_000x"),
        "producer.request.timeout.ms: not a number of type INT (got '1_000x')",
    ),
]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "huge.txt").write_text(f"1\n{D5000}\n", encoding="utf-8")
    (tmp_path / "quote.csv").write_text('id,key\n1,"a\n2,b\n', encoding="utf-8")
    (tmp_path / "wide.csv").write_text("id,key\n1," + "x" * 140_000 + "\n", encoding="utf-8")
    (tmp_path / "short.csv").write_text("id,key\n1\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(b"ok\n\xff\n")
    for name, content, _ in FILES:
        data = content.encode() if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    return tmp_path


def _args(args: list[str], folder: Path) -> list[str]:
    return [a.replace("{d}", str(folder)) for a in args]


@pytest.mark.parametrize(("args", "message"), COMMAND_LINE, ids=range(len(COMMAND_LINE)))
def test_bad_keys_files_and_options_name_their_place(
    args: list[str], message: str, files: Path
) -> None:
    _check(_args(args, files), message.replace("{d}", str(files)))


@pytest.mark.parametrize(("args", "message"), OPTIONS, ids=range(len(OPTIONS)))
def test_bad_option_values_are_usage_errors(args: list[str], message: str, files: Path) -> None:
    result = CliRunner().invoke(app, _args(args, files))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for {message}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "message"), [(n, m) for n, _, m in FILES])
def test_broken_scenario_files_name_the_place(name: str, message: str, files: Path) -> None:
    path = files / name
    _check(["simulate", "ack-loss", "--scenarios", str(path)], f"error: {path}: {message}")


def test_thousands_of_problems_show_the_first_five_and_a_count(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        BASE.replace("controllers: [1, 2, 3]", "controllers: [" + ", ".join(["true"] * 3000) + "]")
    )
    problem = "expected a number of type INT (got True)"
    _check(
        ["simulate", "ack-loss", "--scenarios", str(path)],
        f"error: {path}: 3000 problems\n"
        + "".join(f"  cluster.controllers[{i}]: {problem}\n" for i in range(5))
        + "  ... and 2995 more",
    )


def test_a_runaway_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("cluster: {controllers: [" + "true, " * 3_000_000 + "]}\n")
    _check(
        ["simulate", "ack-loss", "--scenarios", str(path)],
        f"error: scenarios file '{path}' is larger than 1 MiB; a scenario file describes a "
        "cluster and a few stories",
    )


def test_a_file_of_too_many_values_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("cluster: {controllers: [" + "1," * 200_000 + "]}\n")
    _check(
        ["simulate", "ack-loss", "--scenarios", str(path)],
        f"error: scenarios file '{path}' holds more than 100000 lines and list items; a "
        "scenario file describes a cluster and a few stories",
    )


def test_a_directory_is_not_a_scenario_file(tmp_path: Path) -> None:
    _check(
        ["simulate", "ack-loss", "--scenarios", str(tmp_path)],
        f"error: cannot read scenarios file '{tmp_path}': Is a directory",
    )


def test_a_fifo_as_scenario_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = subprocess.run(
        [*KAFKARETRY, "simulate", "ack-loss", "--scenarios", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,  # a guard against a hang, not a speed goal
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"error: scenarios file '{fifo}' is not a regular file (a pipe, a directory or a "
        "device); give a file, or --scenarios with a path to one\n"
    )


def test_a_fifo_as_keys_file_is_read_like_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "keys"
    os.mkfifo(fifo)
    reader = subprocess.Popen(
        [*KAFKARETRY, "partition", "--keys-file", str(fifo), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        fifo.write_text("a\nb\nc\n", encoding="utf-8")
        out, err = reader.communicate(timeout=60)
    finally:
        reader.kill()
        reader.wait()
    assert reader.returncode == 0, err
    assert '"keys": 3' in out


def test_a_session_no_longer_than_a_heartbeat_cycle_is_refused(tmp_path: Path) -> None:
    tail = (
        "must be longer than broker.heartbeat.interval.ms (2000); with a shorter session Kafka "
        "fences every live broker between two heartbeats, which kafkaretry does not model"
    )
    _check(
        ["simulate", "ack-loss", "--set", "broker.session.timeout.ms=2000"],
        f"error: --set broker.session.timeout.ms=2000: broker.session.timeout.ms (2000) {tail}",
    )
    short = tmp_path / "short.yaml"
    short.write_text(
        MINI.replace("broker.session.timeout.ms: 9000", "broker.session.timeout.ms: 1500")
    )
    _check(
        ["simulate", "s", "--scenarios", str(short)],
        f"error: scenario 's': broker.session.timeout.ms (1500) {tail}",
    )
    result = CliRunner().invoke(
        app, ["simulate", "ack-loss", "--set", "broker.session.timeout.ms=2001", "--json"]
    )
    assert result.exit_code == 0, result.stderr
