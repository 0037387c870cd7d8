"""A resolved value and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Sourced"]

T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Sourced(Generic[T_co]):
    """A resolved value and where it came from.

    >>> Sourced("us-chicago-1", "environment OCI_REGION").source
    'environment OCI_REGION'
    """

    value: T_co
    source: str
