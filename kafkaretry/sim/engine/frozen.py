"""Building frozen slotted dataclasses without their generated __init__, for hot paths.

On CPython 3.11 `Event(a, b, c)` for a `@dataclass(frozen=True, slots=True)` goes through
type.__call__ → the Python-level __init__ → one `object.__setattr__(self, name, value)`
per field (frozen classes forbid plain assignment). A plain function that allocates with
`object.__new__` and fills each slot through its member descriptor builds the very same
object in about half the time (~280 ns instead of ~530 ns for four fields), which matters
for the events emitted once per record or per batch.

The class is untouched: fields(), equality, hashing, repr, `match` and FrozenInstanceError
on assignment behave exactly as before, and code that is not hot keeps calling the class.
The constructor has the class's own parameters (a ParamSpec), so mypy checks every call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def fast_constructor(cls: Callable[P, T]) -> Callable[P, T]:
    """A function equivalent to `cls(...)` for a slotted dataclass without defaults."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"{cls!r} is not a dataclass")
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__}: only slotted dataclasses without __post_init__")
    missing = dataclasses.MISSING
    for f in fields:
        if not f.init or f.default is not missing or f.default_factory is not missing:
            raise TypeError(f"{cls.__name__}.{f.name}: fields need no defaults")
    names = [f.name for f in fields]
    if "obj" in names:  # the generated code's own local
        raise TypeError(f"{cls.__name__}: a field may not be called 'obj'")
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for name in names:
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__  # the slot's descriptor
    body = "".join(f"    _set_{name}(obj, {name})\n" for name in names)
    source = f"def create({', '.join(names)}):\n    obj = _new(_cls)\n{body}    return obj\n"
    exec(source, namespace)  # as dataclasses itself builds __init__
    create: Callable[P, T] = namespace["create"]
    create.__qualname__ = f"{cls.__qualname__}.<fast constructor>"
    return create
