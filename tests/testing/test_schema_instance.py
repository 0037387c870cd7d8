"""The JSON schema instance generator: every instance validates.

Validity is checked twice: against the schema with ``jsonschema`` (a
dependency of the Agents SDK's MCP support) and, for pydantic models, by
``model_validate`` on the model that produced the schema, both plain
(``model_json_schema()``) and as the Agents SDK's strict output schema.
"""

from __future__ import annotations

import datetime
import enum
from typing import Annotated, Any, Literal

import jsonschema
import pytest
from agents import AgentOutputSchema
from agents.function_schema import function_schema
from pydantic import BaseModel, Field

from agents_oci.testing.schema_instance import SchemaInstanceError, schema_instance


def valid(schema: dict[str, Any], **kwargs: Any) -> Any:
    """Generate an instance and check it against the schema."""
    instance = schema_instance(schema, **kwargs)
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    return instance


# --- keywords -----------------------------------------------------------------


def test_free_strings_take_the_text_or_a_placeholder() -> None:
    assert valid({"type": "string"}, text="Paris") == "Paris"
    assert valid({"type": "string"}) == "example"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "enum": ["c", "f"]}, "c"),
        ({"const": "fixed"}, "fixed"),
        ({"type": "string", "default": "metric"}, "metric"),
        ({"type": "string", "format": "date"}, "2024-01-01"),
        ({"type": "string", "format": "date-time"}, "2024-01-01T00:00:00Z"),
        ({"type": "string", "format": "email"}, "user@example.com"),
        ({"type": "string", "minLength": 10}, "Parisxxxxx"),
        ({"type": "string", "maxLength": 3}, "Par"),
        ({"type": "boolean"}, True),
        ({"type": "null"}, None),
        ({"type": ["string", "null"]}, "Paris"),
        ({}, {}),
    ],
)
def test_scalar_keywords(schema: dict[str, Any], expected: Any) -> None:
    assert valid(schema, text="Paris") == expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer"}, 0),
        ({"type": "integer", "minimum": 3}, 3),
        ({"type": "integer", "exclusiveMinimum": 3}, 4),
        ({"type": "integer", "maximum": -2}, -2),
        ({"type": "integer", "exclusiveMaximum": -2}, -3),
        ({"type": "integer", "minimum": 5, "multipleOf": 4}, 8),
        (
            {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "type": "integer",
                "minimum": 0,
                "exclusiveMinimum": True,
            },
            1,
        ),
        ({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5}, 0.25),
        ({"type": "number", "minimum": 1.5}, 1.5),
        ({"type": "number", "exclusiveMaximum": -1}, -2.0),
    ],
)
def test_numeric_bounds(schema: dict[str, Any], expected: float) -> None:
    value = valid(schema)
    assert value == expected
    assert isinstance(value, int if schema["type"] == "integer" else float)


def test_arrays_respect_item_counts_and_tuples() -> None:
    assert valid({"type": "array", "items": {"type": "integer"}}) == [0]
    assert valid({"type": "array", "items": {"type": "integer"}, "minItems": 3}) == [0, 0, 0]
    assert valid({"type": "array", "maxItems": 0}) == []
    tuple_schema = {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string"}],
        "items": False,
        "minItems": 2,
        "maxItems": 2,
    }
    assert valid(tuple_schema, text="x") == [0, "x"]


def test_objects_fill_required_and_optional_properties() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert valid(schema, text="t") == {"a": "t", "b": 0}


def test_unions_prefer_a_real_value_near_the_top() -> None:
    assert valid({"anyOf": [{"type": "null"}, {"type": "integer"}]}) == 0
    assert valid({"oneOf": [{"type": "string"}, {"type": "null"}]}, text="s") == "s"


def test_all_of_and_ref_siblings_are_merged() -> None:
    schema = {
        "$defs": {"Base": {"type": "object", "properties": {"x": {"type": "integer"}}}},
        "allOf": [
            {"$ref": "#/$defs/Base"},
            {"properties": {"y": {"type": "string"}}, "required": ["y"]},
        ],
    }
    assert valid(schema, text="v") == {"x": 0, "y": "v"}
    with_description = {
        "$defs": {"B": {"type": "integer", "minimum": 7}},
        "$ref": "#/$defs/B",
        "description": "a number",
    }
    assert valid(with_description) == 7


def test_refs_into_definitions_and_recursion_terminate() -> None:
    tree = {
        "definitions": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
                    "parent": {"anyOf": [{"$ref": "#/definitions/Node"}, {"type": "null"}]},
                },
                "required": ["name", "children", "parent"],
            }
        },
        "$ref": "#/definitions/Node",
    }
    instance = valid(tree, text="n")
    assert instance["name"] == "n"
    linked = {"type": "object", "properties": {"next": {"$ref": "#"}}}
    valid(linked)


def test_impossible_schemas_raise() -> None:
    with pytest.raises(SchemaInstanceError, match="unresolvable"):
        schema_instance({"$ref": "#/$defs/Missing"})
    with pytest.raises(SchemaInstanceError, match="local"):
        schema_instance({"$ref": "https://example.com/schema.json"})
    endless = {"type": "object", "properties": {"me": {"$ref": "#"}}, "required": ["me"]}
    with pytest.raises(SchemaInstanceError, match="finite"):
        schema_instance(endless)


def test_generation_is_deterministic() -> None:
    schema = AgentOutputSchema(Report).json_schema()
    assert schema_instance(schema, text="a") == schema_instance(schema, text="a")


# --- pydantic and Agents SDK round trips ------------------------------------------


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    street: str
    city: str
    postcode: Annotated[str, Field(min_length=4, max_length=8)]


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Report(BaseModel):
    title: str
    score: Annotated[int, Field(ge=1, le=5)]
    ratio: Annotated[float, Field(gt=0, lt=1)]
    colour: Colour
    tags: list[str]
    address: Address
    previous: Address | None
    when: datetime.date
    stamp: datetime.datetime
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]
    pair: tuple[int, str]


class Tree(BaseModel):
    label: str
    children: list[Tree]
    parent: Tree | None


class Loose(BaseModel):
    name: str = "x"
    counts: dict[str, int] = {}
    limit: int | None = None


@pytest.mark.parametrize("model", [Report, Tree, Address])
@pytest.mark.parametrize("strict", [False, True], ids=["plain", "agents-strict"])
def test_pydantic_models_accept_the_instance(model: type[BaseModel], strict: bool) -> None:
    schema = AgentOutputSchema(model).json_schema() if strict else model.model_json_schema()
    instance = valid(schema, text="Paris")
    model.model_validate(instance)


def test_non_strict_defaults_and_maps() -> None:
    instance = valid(Loose.model_json_schema())
    assert Loose.model_validate(instance) == Loose()


def get_forecast(city: str, days: int, units: Literal["metric", "imperial"] = "metric") -> str:
    """A function tool signature as the Agents SDK sees it."""
    return city


def book(address: Address, guests: list[str], note: str | None = None) -> str:
    """A tool with nested and optional parameters."""
    return note or ""


@pytest.mark.parametrize("function", [get_forecast, book])
def test_function_tool_arguments_validate(function: Any) -> None:
    schema = function_schema(function)  # strict, as @function_tool builds it
    instance = valid(schema.params_json_schema, text="Paris")
    schema.params_pydantic_model.model_validate(instance)


def test_tool_arguments_use_defaults_and_text() -> None:
    schema = function_schema(get_forecast).params_json_schema
    assert schema_instance(schema, text="Paris") == {"city": "Paris", "days": 0, "units": "metric"}
