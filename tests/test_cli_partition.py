"""`kafkaretry partition` through the CLI: JSON vectors, clients, errors, golden text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.partitioning.clients import resolve
from tests.conftest import STABLE_ENV, assert_golden
from tests.test_murmur2 import VECTORS, reference_murmur2

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), env=STABLE_ENV, prog_name="kafkaretry")


def run_json(*args: str) -> Any:
    command, *rest = args
    result = run(command, "--json", *rest)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("key", "hashed", "p3", "p6"), VECTORS)
def test_string_vectors_as_json(key: str, hashed: int, p3: int, p6: int) -> None:
    out = run_json("partition", "--", key)
    assert out["murmur2"] == hashed
    assert out["positive"] == hashed & 0x7FFFFFFF
    assert out["partition"] == p3
    assert out["key_bytes_hex"] == key.encode().hex()
    assert run_json("partition", "--partitions", "6", "--", key)["partition"] == p6


def test_json_fields_for_one_key() -> None:
    out = run_json("partition", "1", "--key-type", "int")
    assert out == {
        "topic": "kafka-study-topic",
        "partitions": 3,
        "key": "1",
        "key_type": "int",
        "key_bytes_hex": "00000001",
        "murmur2": -173113808,
        "positive": 1974369840,
        "partition": 0,
        "leader": 4,
        "replicas": [4, 5, 6],
        "isr": [4, 5, 6],
        "clients": {"java": 0},
    }


def test_int_and_string_keys_differ() -> None:
    # IntegerSerializer hashes 00 00 00 2a, StringSerializer hashes "42": different bytes.
    as_int = run_json("partition", "42", "--key-type", "int")
    as_str = run_json("partition", "42")
    assert as_int["key_bytes_hex"] == "0000002a"
    assert as_str["key_bytes_hex"] == "3432"
    assert as_int["murmur2"] != as_str["murmur2"]


@pytest.mark.parametrize(
    ("key", "key_type", "hex_bytes"),
    [
        ("-1", "int", "ffffffff"),
        ("2147483647", "int", "7fffffff"),
        ("-2147483648", "int", "80000000"),
        ("1", "long", "0000000000000001"),
        ("-2", "short", "fffe"),
        ("550E8400-E29B-41D4-A716-446655440000", "uuid",
         b"550e8400-e29b-41d4-a716-446655440000".hex()),
        ("0a:1B ff", "bytes", "0a1bff"),
        ("", "bytes", ""),
    ],
)  # fmt: skip
def test_serializers(key: str, key_type: str, hex_bytes: str) -> None:
    out = run_json("partition", "--key-type", key_type, "--", key)
    assert out["key_bytes_hex"] == hex_bytes


def test_several_keys_give_an_array() -> None:
    out = run_json("partition", "key1", "key2", "key3")
    assert [o["partition"] for o in out] == [2, 2, 1]


# KAFKA.md §8.5: (key, java/kafkajs (3, 6), librdkafka crc32 (3, 6), sarama fnv1a (3, 6))
CLIENT_VECTORS = [
    ("a", (1, 4), (0, 3), (0, 0)),
    ("abc", (0, 3), (0, 0), (2, 5)),
    ("key1", (2, 2), (1, 4), (2, 5)),
    ("key2", (2, 5), (1, 4), (1, 4)),
    ("key3", (1, 1), (0, 0), (0, 3)),
    ("user-42", (1, 4), (1, 1), (0, 3)),
    ("order-1001", (0, 0), (0, 3), (0, 0)),
    ("customer_17", (2, 5), (2, 5), (2, 2)),
    ("hello", (0, 3), (1, 4), (0, 3)),
    ("foobar", (0, 0), (2, 5), (0, 0)),
    ("café", (0, 0), (2, 5), (0, 3)),
    ("kafka", (1, 4), (2, 5), (2, 5)),
]


@pytest.mark.parametrize(("key", "java", "rdk", "sarama"), CLIENT_VECTORS)
@pytest.mark.parametrize("index", [0, 1])
def test_client_vectors(
    key: str, java: tuple[int, int], rdk: tuple[int, int], sarama: tuple[int, int], index: int
) -> None:
    count = str((3, 6)[index])
    out = run_json("partition", key, "--client", "all", "--partitions", count)
    assert out["clients"] == {
        "java": java[index],
        "librdkafka": rdk[index],
        "kafka-go": None,  # RoundRobin ignores the key
        "franz-go": java[index],
        "kafka-python": java[index],
        "kafkajs": java[index],
        "sarama": sarama[index],
    }


def test_empty_key_is_unkeyed_for_librdkafka_but_hashed_by_java() -> None:
    out = run_json("partition", "", "--client", "librdkafka")
    assert out["clients"] == {"java": 0, "librdkafka": None}


def test_clients_are_keyed_by_the_names_given() -> None:
    out = run_json(
        "partition", "key3", "--client", "librdkafka:murmur2_random", "--client", "kafka-go:hash"
    )
    assert out["clients"] == {"java": 1, "librdkafka:murmur2_random": 1, "kafka-go:hash": 0}
    every = run_json("partition", "key3", "--client", "every")["clients"]
    assert len(every) == 26
    assert every["kafkajs:legacy"] == resolve("kafkajs:legacy").place(b"key3", 3)
    assert every["librdkafka:consistent_random"] == every["sarama:consistent_crc"] == 0


@pytest.mark.parametrize(
    ("client", "message"),
    [
        (
            "foo",
            "error: --client 'foo': unknown client 'foo'; choose from java, librdkafka, "
            "kafka-go, franz-go, kafka-python, kafkajs, sarama, all, every\n",
        ),
        (
            "kafkajs:java",
            "error: --client 'kafkajs:java': kafkajs has no partitioner 'java'; choose from "
            "default, legacy\n",
        ),
    ],
)
def test_unknown_client_is_one_line(client: str, message: str) -> None:
    result = run("partition", "k", "--client", client)
    assert result.exit_code == 2
    assert result.stderr == message


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=30), st.integers(min_value=1, max_value=100))
def test_partition_in_range_and_topology_count_is_default(key: str, partitions: int) -> None:
    out = run_json("partition", "--partitions", str(partitions), "--", key)
    assert 0 <= out["partition"] < partitions
    assert run_json("partition", "--partitions", "3", "--", key) == run_json("partition", "--", key)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99999999999", "--key-type", "int"],
         "error: key '99999999999' is out of range for --key-type int "
         "(-2147483648 to 2147483647)\n"),
        (["40000", "--key-type", "short"],
         "error: key '40000' is out of range for --key-type short (-32768 to 32767)\n"),
        (["1.5", "--key-type", "long"], "error: key '1.5' is not an integer (--key-type long)\n"),
        (["xyz", "--key-type", "bytes"],
         "error: key 'xyz' is not hex bytes (--key-type bytes takes e.g. 0a1b or 0a:1b)\n"),
        (["not-a-uuid", "--key-type", "uuid"],
         "error: key 'not-a-uuid' is not a UUID (expected 8-4-4-4-12 hex digits)\n"),
        (["k", "--topic", "kafka-study-topik"],
         "error: unknown topic 'kafka-study-topik'; did you mean 'kafka-study-topic'?\n"),
        (["k", "--no-key"], "error: --no-key takes no KEY arguments\n"),
        ([], "error: give at least one KEY, or --no-key\n"),
        (["k", "--scenarios", "missing.yaml"],
         "error: cannot read scenarios file 'missing.yaml': No such file or directory\n"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = run("partition", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_unknown_key_type_is_a_usage_error() -> None:
    result = run("partition", "k", "--key-type", "float")
    assert result.exit_code == 2
    assert "Invalid value for '--key-type'" in result.stderr
    assert "Traceback" not in result.output


def test_partition_beyond_the_topic_after_resize() -> None:
    out = run_json("partition", "foobar", "--partitions", "12")
    assert out["partition"] == 6
    assert (out["leader"], out["replicas"], out["isr"]) == (None, None, None)


def test_golden_single_key() -> None:
    assert_golden("partition-int-1.txt", run("partition", "1", "--key-type", "int").stdout)


def test_golden_long_key_with_clients() -> None:
    key = "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"
    assert_golden("partition-long-key.txt", run("partition", key, "--client", "all").stdout)


def test_golden_several_keys() -> None:
    result = run("partition", "hello", "foobar", "café", "", "--client", "sarama")
    assert_golden("partition-several.txt", result.stdout)


def test_golden_no_key() -> None:
    assert_golden("partition-no-key.txt", run("partition", "--no-key").stdout)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from([("int", 4), ("long", 8), ("short", 2)]).flatmap(
        lambda kind: st.tuples(
            st.just(kind),
            st.integers(
                min_value=-(1 << (kind[1] * 8 - 1)), max_value=(1 << (kind[1] * 8 - 1)) - 1
            ),
        )
    ),
    st.integers(min_value=1, max_value=100),
)
def test_integer_keys_hash_their_big_endian_bytes(
    kind_value: tuple[tuple[str, int], int], partitions: int
) -> None:
    (key_type, width), value = kind_value
    out = run_json(
        "partition", "--key-type", key_type, "--partitions", str(partitions), "--", str(value)
    )
    data = value.to_bytes(width, "big", signed=True)
    assert out["key_bytes_hex"] == data.hex()
    assert out["murmur2"] == reference_murmur2(data)
    assert out["partition"] == (reference_murmur2(data) & 0x7FFFFFFF) % partitions


def test_a_smaller_count_describes_another_topic_not_a_shrink() -> None:
    out = run_json("partition", "foobar", "--partitions", "2")
    assert (out["partition"], out["leader"], out["replicas"]) == (0, None, None)
    text = run("partition", "foobar", "--partitions", "2").stdout
    assert "Kafka cannot shrink a topic: 3 partitions stay 3." in " ".join(text.split())


@pytest.mark.parametrize("width", [40, 60, 80])
def test_numbers_are_never_cut_on_narrow_terminals(width: int) -> None:
    env = {**STABLE_ENV, "COLUMNS": str(width)}
    result = runner.invoke(app, ["partition", "--key-type", "int", "--", "-2147483648"], env=env)
    assert result.exit_code == 0
    assert "…" not in result.stdout
    results = [line.split()[-1] for line in result.stdout.splitlines() if "0x" in line]
    assert "0x9747b288" in results  # the result column keeps whole values
    for value in ("-65415266", "2082068382"):
        assert value in result.stdout.split()


def test_prose_stops_at_100_columns_and_long_keys_are_elided() -> None:
    env = {**STABLE_ENV, "COLUMNS": "200"}
    note = runner.invoke(app, ["partition", "--no-key"], env=env).stdout
    assert max(len(line.rstrip()) for line in note.splitlines()) <= 100
    key = "k" * 5000
    out = runner.invoke(app, ["partition", key], env=env).stdout
    assert len(out.splitlines()) < 40
    assert "… 4,968 more bytes …" in out
    assert "…(4,952 more characters)…" in out
    assert key[:100] not in out
