"""The error family the CLI reports as one-line messages (everything else is a bug).

Exit codes follow the Unix convention that argparse and Click use: 2 means the user
gave us something we cannot use (a bad key, a broken scenarios file, a Kafka
configuration the real client would refuse).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2


class KafkaRetryError(Exception):
    """An expected, user-facing failure: reported as `error: <message>` on stderr."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScenarioFileError(KafkaRetryError):
    """scenarios.yaml cannot be read, parsed or validated."""


class UnknownNameError(KafkaRetryError):
    """A name (scenario, topic, config) that the scenario file does not define."""


class KeyParseError(KafkaRetryError):
    """A key that its serializer (`--key-type`) cannot encode."""


class KeyFileError(KafkaRetryError):
    """A keys file (`partition --keys-file`) that cannot be read or holds no keys."""


class ConfigError(KafkaRetryError):
    """A configuration the real Kafka client rejects with a ConfigException."""

    def __init__(self, kafka_message: str, values: str = "") -> None:
        # The learner should see Kafka's own words, and that the producer never starts;
        # `values` (kafkaretry's words, e.g. "here 100 < 5 + 30000") follows in brackets.
        super().__init__(
            "the KafkaProducer constructor throws ConfigException, so nothing is sent: "
            + kafka_message
            + (f" ({values})" if values else "")
        )
        self.kafka_message = kafka_message


def unknown_name(kind: str, name: str, known: list[str]) -> UnknownNameError:
    """`unknown scenario 'ack-los'; did you mean 'ack-loss'?` with the known names as fallback."""
    import difflib

    from kafkaretry.javanum import shown

    close = difflib.get_close_matches(name[:200], known, n=3)
    if close:
        hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    elif len(known) > 8:  # one short line: a few names and how many more there are
        hint = f"known: {', '.join(known[:8])} and {len(known) - 8} more"
    else:
        hint = "known: " + (", ".join(known) if known else "(none)")
    return UnknownNameError(f"unknown {kind} {shown(name)}; {hint}")
