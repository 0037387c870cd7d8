"""A small generator of JSON values that satisfy a JSON schema.

The emulated model uses it to produce tool arguments and structured final
outputs. It covers what the Agents SDK and pydantic emit: objects with
``properties``/``required``/``additionalProperties``, strings (``enum``,
``const``, ``format``, length bounds), integers and numbers with bounds,
booleans, ``null``, arrays (``items``, ``prefixItems``, ``minItems``),
``anyOf``/``oneOf``/``allOf``, type lists, and ``$ref`` into ``$defs`` or
``definitions`` (recursive models included).

Not covered: ``pattern`` (a pattern-constrained string gets the ordinary
value), ``uniqueItems`` with several items, ``not``, and conditional
keywords. Generation is deterministic.

Example::

    >>> schema_instance({"type": "object", "properties": {"city": {"type": "string"}},
    ...                  "required": ["city"]}, text="Paris")
    {'city': 'Paris'}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["SchemaInstanceError", "schema_instance"]

_SHALLOW_DEPTH: Final = 4
"""Below this depth optional content (optional properties, non-null branches,
one array item) is filled in; deeper, the generator takes the smallest valid
value so recursive schemas terminate."""

_MAX_DEPTH: Final = 40
"""A schema that still needs content at this depth has no finite instance."""

_FORMATS: Final[Mapping[str, str]] = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}

_DEFAULT_TEXT: Final = "example"


class SchemaInstanceError(ValueError):
    """The schema has no instance this generator can build."""


def schema_instance(schema: Mapping[str, Any], *, text: str | None = None) -> Any:
    """Return a JSON value valid against ``schema``.

    ``text`` fills free-form strings (no ``enum``, ``const``, ``default`` or
    ``format``); without it they are ``"example"``. Raises
    :class:`SchemaInstanceError` for an unresolvable ``$ref`` or a schema
    with no finite instance.
    """
    return _Generator(schema, text or _DEFAULT_TEXT).value(schema, 0)


class _Generator:
    """Walks a schema; keeps the root for ``$ref`` resolution."""

    def __init__(self, root: Mapping[str, Any], text: str) -> None:
        self._root = root
        self._text = text

    def value(self, schema: Mapping[str, Any] | bool, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise SchemaInstanceError("schema has no finite instance (recursion too deep)")
        if isinstance(schema, bool):
            # ``true`` accepts anything; ``false`` accepts nothing, so callers
            # only reach it for content they could not avoid.
            if not schema:
                raise SchemaInstanceError("schema 'false' has no instance")
            return {}
        if "$ref" in schema:
            return self.value(self._merged_ref(schema), depth + 1)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "default" in schema:
            return schema["default"]
        for keyword in ("anyOf", "oneOf"):
            if schema.get(keyword):
                return self.value(self._pick_branch(schema[keyword], depth), depth + 1)
        if schema.get("allOf"):
            return self.value(_merge_all_of(schema), depth)
        return self._typed(schema, _pick_type(schema, depth), depth)

    def _typed(self, schema: Mapping[str, Any], kind: str | None, depth: int) -> Any:
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "string":
            return self._string(schema)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        # No type information: an empty object is valid and makes sense as
        # tool arguments, the usual use of a bare ``{}`` schema.
        return {}

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties: Mapping[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or ())
        result: dict[str, Any] = {}
        for name, subschema in properties.items():
            if name in required or depth < _SHALLOW_DEPTH:
                result[name] = self.value(subschema, depth + 1)
        for name in sorted(required - properties.keys()):
            extra = schema.get("additionalProperties", True)
            result[name] = self.value(extra if isinstance(extra, Mapping) else True, depth + 1)
        return result

    def _array(self, schema: Mapping[str, Any], depth: int) -> list[Any]:
        prefix: list[Any] = list(schema.get("prefixItems") or ())
        items = schema.get("items", True)
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, schema.get("additionalItems", True)
        count = int(schema.get("minItems", 0))
        if depth < _SHALLOW_DEPTH and items is not False:
            count = max(count, 1)
        count = max(count, len(prefix))
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [
            self.value(prefix[i] if i < len(prefix) else items, depth + 1) for i in range(count)
        ]

    def _string(self, schema: Mapping[str, Any]) -> str:
        fmt = schema.get("format")
        value = _FORMATS.get(fmt, self._text) if isinstance(fmt, str) else self._text
        min_length = int(schema.get("minLength", 0))
        if len(value) < min_length:
            value = value + "x" * (min_length - len(value))
        if "maxLength" in schema:
            value = value[: int(schema["maxLength"])]
        return value

    def _pick_branch(self, branches: list[Any], depth: int) -> Any:
        """Prefer the first non-null branch near the top, ``null`` when deep.

        Near the top a real value is more useful to the caller; deep down the
        ``null`` branch is what ends a recursive ``Optional[Node]`` chain.
        """
        nullable = [b for b in branches if self._is_null(b)]
        if depth >= _SHALLOW_DEPTH and nullable:
            return nullable[0]
        others = [b for b in branches if not self._is_null(b)]
        return (others or branches)[0]

    def _is_null(self, schema: Any) -> bool:
        if isinstance(schema, Mapping) and "$ref" in schema:
            schema = self._resolve(schema["$ref"])
        return isinstance(schema, Mapping) and schema.get("type") == "null"

    def _merged_ref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """The target of ``$ref``, with sibling keywords (2019+ semantics) layered on."""
        target = self._resolve(schema["$ref"])
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        if not siblings:
            return target
        return {"allOf": [target, siblings]}

    def _resolve(self, ref: Any) -> Mapping[str, Any]:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaInstanceError(f"only local $ref is supported, got {ref!r}")
        node: Any = self._root
        for part in filter(None, ref[1:].split("/")):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or key not in node:
                raise SchemaInstanceError(f"unresolvable $ref {ref!r}")
            node = node[key]
        if not isinstance(node, Mapping):
            raise SchemaInstanceError(f"$ref {ref!r} does not point to a schema")
        return node


def _pick_type(schema: Mapping[str, Any], depth: int) -> str | None:
    """The JSON type to generate, inferring it from keywords when absent."""
    declared = schema.get("type")
    if isinstance(declared, list):
        non_null = [t for t in declared if t != "null"]
        if "null" in declared and (depth >= _SHALLOW_DEPTH or not non_null):
            return "null"
        return str(non_null[0])
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


def _merge_all_of(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Fold ``allOf`` into one schema: properties merged, ``required`` united.

    Enough for what generators emit (a ``$ref`` plus a description, or a base
    model plus extra fields); conflicting constraints are not reconciled.
    """
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    """Zero when allowed, else a value just inside the violated bound."""
    low, low_strict = _bound(schema, "minimum", "exclusiveMinimum")
    high, high_strict = _bound(schema, "maximum", "exclusiveMaximum")
    value: float = 0
    if low is not None and (value < low or (low_strict and value == low)):
        value = _inside(low, high, low_strict, integer=integer, upward=True)
    elif high is not None and (value > high or (high_strict and value == high)):
        value = _inside(high, low, high_strict, integer=integer, upward=False)
    multiple = schema.get("multipleOf")
    if isinstance(multiple, int | float) and not isinstance(multiple, bool) and multiple > 0:
        value = math.ceil(value / multiple) * multiple
    return int(value) if integer else float(value)


def _inside(
    bound: float, other: float | None, strict: bool, *, integer: bool, upward: bool
) -> float:
    """The value nearest ``bound`` on its valid side, staying short of ``other``."""
    sign = 1 if upward else -1
    if integer:
        edge = math.floor(bound) + 1 if upward else math.ceil(bound) - 1
        return edge if strict else (math.ceil(bound) if upward else math.floor(bound))
    if not strict:
        return bound
    # A strict float bound: step in by 1, or halfway when the range is narrower.
    step = 1.0 if other is None else min(1.0, abs(other - bound) / 2)
    return bound + sign * step


def _bound(schema: Mapping[str, Any], inclusive: str, exclusive: str) -> tuple[float | None, bool]:
    """The bound and whether it is strict; draft-4 boolean ``exclusive*`` included."""
    value = schema.get(inclusive)
    strict = schema.get(exclusive)
    if isinstance(strict, bool):
        return (None if value is None else float(value)), strict
    if isinstance(strict, int | float):
        return float(strict), True
    return (None if value is None else float(value)), False
