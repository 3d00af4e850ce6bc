"""Reading scenarios.yaml: parse and validate once, report errors in the file's own terms.

`load_scenario_book` is the full path (yaml + pydantic). `load_topology` serves commands
that only need the cluster layout (`partition`): it keeps a content-addressed JSON copy of
the validated topology in the user's cache directory, so a warm run imports neither yaml
nor pydantic (together ~120 ms of a ~150 ms budget, PERF-NOTES.md §1). The cache key is
the file's bytes plus the kafkaretry version, so an edited or broken file is always
validated afresh and reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kafkaretry import __version__
from kafkaretry.errors import ScenarioFileError
from kafkaretry.topology import Topology

if TYPE_CHECKING:
    from pydantic import ValidationError

    from kafkaretry.config import ScenarioBook

SCENARIOS_FILE = "scenarios.yaml"
# A scenario file is written by hand: these bounds refuse a runaway file in well under a
# second instead of parsing and validating it for minutes.
MAX_FILE_BYTES = 1 << 20
MAX_VALUES = 100_000  # lines plus list items (commas): counted before the YAML is parsed
MAX_LIST_ITEMS = 10_000
MAX_PROBLEMS_SHOWN = 5
_CACHE_FORMAT = 1  # bump when Topology.to_json changes shape


def default_scenarios_path() -> Path:
    """./scenarios.yaml when present (a checkout, or a user's own), else the packaged copy."""
    here = Path(SCENARIOS_FILE)
    return here if here.is_file() else packaged_scenarios_path()


def packaged_scenarios_path() -> Path:
    """The scenarios.yaml shipped with kafkaretry (`scenarios init` copies it)."""
    package = Path(__file__).resolve().parent
    packaged = package / SCENARIOS_FILE  # inside an installed wheel
    return packaged if packaged.is_file() else package.parent / SCENARIOS_FILE  # editable


def _read(path: Path) -> bytes:
    """The file's bytes; a FIFO, a directory or a device is refused (reading may never end)."""
    try:
        with open(path, "rb", opener=_open_nonblocking) as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise ScenarioFileError(
                    f"scenarios file '{path}' is not a regular file (a pipe, a directory or "
                    "a device); give a file, or --scenarios with a path to one"
                )
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioFileError(
            f"cannot read scenarios file '{path}': {exc.strerror or exc}"
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioFileError(
            f"scenarios file '{path}' is larger than {MAX_FILE_BYTES >> 20} MiB; "
            "a scenario file describes a cluster and a few stories"
        )
    if raw.count(b"\n") + raw.count(b",") > MAX_VALUES:
        raise ScenarioFileError(
            f"scenarios file '{path}' holds more than {MAX_VALUES} lines and list items; "
            "a scenario file describes a cluster and a few stories"
        )
    return raw


def _open_nonblocking(name: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def load_scenario_book(path: Path) -> ScenarioBook:
    """Parse and validate `path`; ScenarioFileError names the file and the bad value's place."""
    return _validate(path, _read(path))


def _validate(path: Path, raw: bytes) -> ScenarioBook:
    import yaml
    from pydantic import ValidationError

    from kafkaretry import yamlstrict
    from kafkaretry.config import InvalidReference, ScenarioBook

    try:
        data = yamlstrict.load(raw)  # a SafeLoader: no arbitrary objects, no duplicate keys
    except yaml.YAMLError as exc:
        raise ScenarioFileError(f"{path}: {_yaml_problem(exc)}") from None
    long_list = _long_list(data, ())
    if long_list is not None:
        where, count = long_list
        raise ScenarioFileError(
            f"{path}: {format_loc(where) or '(top level)'}: {count} items; "
            f"a scenario file's lists hold at most {MAX_LIST_ITEMS}"
        )
    if not isinstance(data, dict):
        raise ScenarioFileError(
            f"{path}: expected a mapping with keys cluster, topics, producer, scenarios; "
            f"got {type(data).__name__}"
        )
    if not {"cluster", "scenarios"} & data.keys():
        raise ScenarioFileError(_not_a_scenario_file(path))
    try:
        return ScenarioBook.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
    except InvalidReference as exc:
        problems = [f"{format_loc(exc.loc)}: {exc.message}"]
    if len(problems) == 1:
        raise ScenarioFileError(f"{path}: {problems[0]}")
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(f"... and {len(problems) - len(shown)} more")
    raise ScenarioFileError(f"{path}: {len(problems)} problems\n  " + "\n  ".join(shown))


def _long_list(data: Any, where: tuple[int | str, ...]) -> tuple[tuple[int | str, ...], int] | None:
    """The place and length of the first list longer than MAX_LIST_ITEMS, if any."""
    if isinstance(data, list):
        if len(data) > MAX_LIST_ITEMS:
            return where, len(data)
        items: Any = enumerate(data)
    elif isinstance(data, dict):
        items = data.items()
    else:
        return None
    for key, value in items:
        if isinstance(value, list | dict):
            found = _long_list(value, (*where, key if isinstance(key, int) else str(key)))
            if found is not None:
                return found
    return None


def _not_a_scenario_file(path: Path) -> str:
    message = f"{path}: not a kafkaretry scenario file (it has no 'cluster' or 'scenarios' key)"
    if path == Path(SCENARIOS_FILE):  # most likely picked because it sits in this directory
        message += (
            "; kafkaretry reads ./scenarios.yaml from the current directory unless "
            "--scenarios PATH names another file (`kafkaretry scenarios init PATH` writes a "
            "copy of the packaged one)"
        )
    return message


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def format_loc(loc: tuple[int | str, ...]) -> str:
    """('scenarios', 'x', 'faults', 0, 'crash-broker', 'at_ms') → scenarios.x.faults[0].at_ms"""
    from kafkaretry.config import FAULT_KINDS  # loaded already: this formats its errors

    out = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(previous, int) and part in FAULT_KINDS:
            pass  # pydantic inserts the discriminator's value; the index already locates it
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def validation_problems(exc: ValidationError) -> list[str]:
    """One line per problem: `<path>: <message> (got <value>)`."""
    lines = []
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        where = format_loc(tuple(err["loc"]))
        got = ""
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(
            err.get("input"), dict | list
        ):
            got = f" (got {_short(err.get('input'))})"
        lines.append(f"{where or '(top level)'}: {message}{got}")
    return lines


def _short(value: Any) -> str:
    from kafkaretry.config.base import shown

    return shown(value)


def cache_dir() -> Path:
    """kafkaretry's cache: $KAFKARETRY_CACHE_DIR, else $XDG_CACHE_HOME/kafkaretry, else
    ~/.cache/kafkaretry (the XDG Base Directory default)."""
    explicit = os.environ.get("KAFKARETRY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kafkaretry"


def load_topology(path: Path) -> Topology:
    """The validated topology of `path`, from the cache when the file is unchanged."""
    raw = _read(path)
    digest = hashlib.sha256(f"{__version__}:{_CACHE_FORMAT}:".encode() + raw).hexdigest()
    cached = cache_dir() / f"topology-{digest[:32]}.json"
    try:
        return Topology.from_json(json.loads(cached.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a miss or an unreadable entry: validate the file properly below
    topology = _validate(path, raw).topology()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(topology.to_json()), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home still works, just without the speed-up
    return topology
