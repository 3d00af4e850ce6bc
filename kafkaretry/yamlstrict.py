"""A YAML SafeLoader for scenario files that refuses what YAML would silently accept.

YAML lets a later `ack-loss:` replace an earlier one and `min.insync.replicas` be given
twice; a scenario file is read by people, so a duplicate key is an error that names the key
and both lines. An integer too long for any Java type (Long.MAX_VALUE has 19 digits) is
refused before Python parses it, with its line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

INTEGER_CHARS_MAX = 30  # digits, sign and underscores: more than any Java long needs
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when available


class StrictLoader(_Base):  # type: ignore[misc]
    """SafeLoader (no arbitrary objects) + no duplicate keys + bounded integers."""

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<:` merges are meant to be overridden
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: the base constructor reports it
                if first is not None:
                    raise ConstructorError(
                        None,
                        None,
                        f"duplicate key {str(key)[:40]!r} (first given at line {first + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_strict_int(self, node: ScalarNode) -> Any:
        if len(node.value) > INTEGER_CHARS_MAX:
            raise ConstructorError(
                None,
                None,
                f"an integer of {len(node.value)} characters; no Java int or long is that long",
                node.start_mark,
            )
        return self.construct_yaml_int(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_strict_int)


def load(raw: bytes) -> Any:
    """The document in `raw`; yaml.YAMLError (with its line) for anything refused."""
    return yaml.load(raw, Loader=StrictLoader)
