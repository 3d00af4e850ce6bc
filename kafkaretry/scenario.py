"""From the validated scenario file (and --set) to the simulation's plain inputs.

Precedence, as a user would expect: the file's `producer:`/`cluster.configs:` blocks, then
the scenario's own overrides (only the keys it writes), then `--set NAME=VALUE`. A setting
counts as "set explicitly" (Kafka's originals()) when any of the three writes it, which is
what decides between a silent adjustment and a ConfigException (sim/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from kafkaretry.broker_config import broker_config_problem
from kafkaretry.config import (
    ClusterConfig,
    CrashBroker,
    CrashController,
    DropRequest,
    DropResponse,
    FaultModel,
    Heal,
    IsolateBroker,
    NetworkConfig,
    ProducerConfig,
    RestartBroker,
    RestartController,
    ScenarioBook,
    ScenarioModel,
    SlowBroker,
    StopBroker,
    Trigger,
)
from kafkaretry.errors import KafkaRetryError, KeyParseError, unknown_name
from kafkaretry.javanum import shown
from kafkaretry.loading import validation_problems
from kafkaretry.partitioning.keys import serialize_key
from kafkaretry.sim import settings as sim


class SettingError(KafkaRetryError):
    """A `--set NAME=VALUE` that names no known setting or has a bad value."""


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    return {(f.alias or name): name for name, f in model.model_fields.items()}


# Which model owns each Kafka name; --set routes by this table.
SETTING_OWNERS: dict[str, type[BaseModel]] = {
    **dict.fromkeys(_aliases(ProducerConfig), ProducerConfig),
    **dict.fromkeys(_aliases(ClusterConfig), ClusterConfig),
    **dict.fromkeys(_aliases(NetworkConfig), NetworkConfig),
}


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` strings → {Kafka name: text}; unknown names suggest close matches."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SettingError(f"--set takes NAME=VALUE, got {shown(pair)}")
        if name not in SETTING_OWNERS:
            raise unknown_name("setting", name, sorted(SETTING_OWNERS))
        out[name] = value.strip()
    return out


def _merge(
    model: type[BaseModel], layers: list[BaseModel], overrides: dict[str, str]
) -> tuple[Any, frozenset[str]]:
    aliases = _aliases(model)
    data: dict[str, Any] = {}
    for layer in layers:
        for field in sorted(layer.model_fields_set):
            value = getattr(layer, field)
            data[model.model_fields[field].alias or field] = value
    for name, text in overrides.items():
        if name in aliases:
            data[name] = None if text.lower() in ("null", "none", "") else text
    try:
        merged = model.model_validate(data)
    except ValidationError as exc:
        # Only --set values can be invalid here: the file's layers were validated on loading.
        raise SettingError(f"--set {validation_problems(exc)[0]}") from None
    explicit = frozenset(k for k, v in data.items() if v is not None)
    return merged, explicit


def producer_settings(cfg: ProducerConfig, explicit: frozenset[str]) -> sim.ProducerSettings:
    return sim.ProducerSettings(
        acks=sim.acks_from_text(cfg.acks),
        enable_idempotence=cfg.enable_idempotence,
        retries=cfg.retries,
        max_in_flight=cfg.max_in_flight,
        request_timeout_ms=cfg.request_timeout_ms,
        delivery_timeout_ms=cfg.delivery_timeout_ms,
        linger_ms=cfg.linger_ms,
        batch_size=cfg.batch_size,
        retry_backoff_ms=cfg.retry_backoff_ms,
        retry_backoff_max_ms=cfg.retry_backoff_max_ms,
        reconnect_backoff_ms=cfg.reconnect_backoff_ms,
        reconnect_backoff_max_ms=cfg.reconnect_backoff_max_ms,
        metadata_max_age_ms=cfg.metadata_max_age_ms,
        explicit=explicit,
        max_block_ms=cfg.max_block_ms,
        socket_connection_setup_timeout_ms=cfg.socket_connection_setup_timeout_ms,
        socket_connection_setup_timeout_max_ms=cfg.socket_connection_setup_timeout_max_ms,
    )


def _check_session(cluster: ClusterConfig, sets: dict[str, str], name: str) -> None:
    """Refuse a broker session no longer than the heartbeat interval, which kafkaretry cannot show.

    BrokerLifecycleManager sends the next heartbeat broker.heartbeat.interval.ms after the
    last answer, and the controller fences a broker whose last contact is older than
    broker.session.timeout.ms. KafkaConfig accepts a session shorter than that; then Kafka
    fences every live broker between its heartbeats and unfences it at the next one.
    kafkaretry times the sessions of silent brokers only, so it says so instead of showing
    a quiet cluster.
    """
    session, interval = cluster.broker_session_timeout_ms, cluster.broker_heartbeat_interval_ms
    if session > interval:
        return
    named = ("broker.session.timeout.ms", "broker.heartbeat.interval.ms")
    given = [f"{n}={sets[n]}" for n in named if n in sets]
    where = f"--set {', '.join(given)}" if given else f"scenario '{name}'"
    raise SettingError(
        f"{where}: broker.session.timeout.ms ({session}) must be longer than "
        f"broker.heartbeat.interval.ms ({interval}); with a shorter session Kafka fences every "
        "live broker between two heartbeats, which kafkaretry does not model"
    )


def cluster_settings(cfg: ClusterConfig) -> sim.ClusterSettings:
    return sim.ClusterSettings(**{name: getattr(cfg, name) for name in ClusterConfig.model_fields})


def _when(trigger: Trigger | None) -> sim.When | None:
    if trigger is None:
        return None
    return sim.When(trigger.event, trigger.attempt, trigger.record)


def _fault(fault: FaultModel) -> sim.Fault:  # noqa: PLR0911 - one arm per fault kind
    when = _when(fault.when)
    match fault:
        case DropResponse():
            return sim.DropResponse(fault.attempt, fault.at_ms, when)
        case DropRequest():
            return sim.DropRequest(fault.attempt, fault.at_ms, when)
        case CrashBroker():
            return sim.CrashBroker(fault.broker, fault.at_ms, when)
        case StopBroker():
            return sim.StopBroker(fault.broker, fault.at_ms, when)
        case RestartBroker():
            return sim.RestartBroker(fault.broker, fault.at_ms, when)
        case CrashController():
            return sim.CrashController(fault.controller, fault.at_ms, when)
        case RestartController():
            return sim.RestartController(fault.controller, fault.at_ms, when)
        case IsolateBroker():
            return sim.IsolateBroker(fault.broker, fault.at_ms, when)
        case Heal():
            return sim.Heal(fault.broker, fault.at_ms, when)
        case SlowBroker():
            return sim.SlowBroker(
                fault.broker, fault.delay_ms, fault.duration_ms, fault.at_ms, when
            )


def _records(
    scenario: ScenarioModel, topic: str, key: str | None, key_type: str | None, name: str
) -> list[sim.RecordSpec]:
    try:
        data = (
            None
            if key is None
            else serialize_key(key, key_type or scenario.record.key_type, _key_source(key_type))
        )
    except KeyParseError as exc:
        # The scenario's own key was checked on loading: this is --key, or --key-type.
        raise KeyParseError(f"scenario '{name}': {exc.message}") from None
    spec = scenario.record
    return [
        sim.RecordSpec(
            key, data, topic, send_at_ms=i * spec.interval_ms, value_bytes=spec.value_bytes
        )
        for i in range(spec.count)
    ]


def _key_source(key_type: str | None) -> str:
    return "--key-type" if key_type else "the scenario's key_type"


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Command-line changes to the crash faults: --broker, --at-ms, --with-controller."""

    broker: int | None = None
    at_ms: int | None = None
    with_controller: bool = False

    @property
    def empty(self) -> bool:
        return self.broker is None and self.at_ms is None and not self.with_controller


def _planned(
    name: str, faults: tuple[sim.Fault, ...], plan: FaultPlan, brokers: tuple[int, ...]
) -> tuple[sim.Fault, ...]:
    crashes = [f for f in faults if isinstance(f, sim.CrashBroker | sim.StopBroker)]
    if plan.empty:
        return faults
    if not crashes:
        used = [o for o, v in (("--broker", plan.broker), ("--at-ms", plan.at_ms)) if v is not None]
        used += ["--with-controller"] if plan.with_controller else []
        raise KafkaRetryError(
            f"{' and '.join(used)} {'changes' if len(used) == 1 else 'change'} a crash-broker "
            f"or stop-broker fault, and scenario "
            f"'{name}' has neither"
        )
    if plan.broker is not None and plan.broker not in brokers:
        raise KafkaRetryError(
            f"--broker {plan.broker} is not a broker (brokers: {', '.join(map(str, brokers))})"
        )
    out: list[sim.Fault] = []
    for fault in faults:
        if isinstance(fault, sim.CrashBroker | sim.StopBroker):
            # --at-ms strikes at that millisecond, in place of any trigger the file gives.
            fault = type(fault)(  # noqa: PLW2901 - the planned version replaces it
                fault.broker if plan.broker is None else plan.broker,
                fault.at_ms if plan.at_ms is None else plan.at_ms,
                fault.when if plan.at_ms is None else None,
            )
        elif isinstance(fault, sim.RestartBroker) and plan.broker is not None:
            # The broker the plan fails is the one that comes back.
            fault = sim.RestartBroker(plan.broker, fault.at_ms, fault.when)  # noqa: PLW2901
        out.append(fault)
    if plan.with_controller:
        # The story's bonus: the active controller dies at the same moment as the broker
        # (on the same trigger, when the crash waits for one).
        first = next(f for f in out if isinstance(f, sim.CrashBroker | sim.StopBroker))
        out.append(sim.CrashController("active", first.at_ms, first.when))
    return tuple(out)


def scenario_inputs(
    book: ScenarioBook,
    name: str,
    *,
    key: str | None = None,
    key_type: str | None = None,
    overrides: dict[str, str] | None = None,
    plan: FaultPlan = FaultPlan(),
    no_key: bool = False,
) -> sim.SimulationInputs:
    """The named scenario with --key/--key-type/--set applied; errors name what is wrong."""
    if name not in book.scenarios:
        raise unknown_name("scenario", name, list(book.scenarios))
    scenario = book.scenarios[name]
    sets = overrides or {}
    producer, explicit = _merge(ProducerConfig, [book.producer, scenario.producer], sets)
    cluster, _ = _merge(ClusterConfig, [book.cluster.configs, scenario.cluster_configs], sets)
    network, _ = _merge(NetworkConfig, [book.network], sets)
    _check_session(cluster, sets, name)
    if (problem := broker_config_problem(cluster, sets, name)) is not None:
        raise SettingError(problem)
    topology = book.topology()
    topic = topology.topic(scenario.record.topic).name
    chosen_key = None if no_key else (key if key is not None else scenario.record.key)
    return sim.SimulationInputs(
        scenario=name,
        topology=topology,
        producer=producer_settings(producer, explicit),
        cluster=cluster_settings(cluster),
        records=_records(scenario, topic, chosen_key, key_type, name),
        faults=_planned(name, tuple(_fault(f) for f in scenario.faults), plan, topology.brokers),
        latency_ms=network.latency_ms,
    )
