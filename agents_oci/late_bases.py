"""Base classes that join a class's MRO when their module is imported, not before.

Why: every configuration error is an ``agents.exceptions.UserError``, but
importing ``agents`` (and the openai SDK it pulls in) costs about 2.4 s on a
2-core machine, and ``agents-oci doctor`` and ``--help`` must not pay it
(issue 15, item 13). The contract still holds for everyone who can observe
it: ``isinstance(err, UserError)``, ``except UserError:`` and
``issubclass(KeyFileError, UserError)`` all name ``UserError``, so whoever
asks has imported ``agents.exceptions``; at that moment the stand-in base of
our class is swapped for the real one, in place. Classes defined after the
real module is already loaded get the real base at once.

How: a :class:`StandIn` is an empty ``Exception`` subclass with the same
instance layout as the real base (a plain Python exception class), which is
what makes ``__bases__`` assignment legal. A one-shot finder at the front of
``sys.meta_path`` runs the module's own loader and swaps the bases right
after the module has executed; it removes itself once every awaited module
has arrived. Type checkers see the real bases (``TYPE_CHECKING`` branches in
:mod:`agents_oci.errors`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
import warnings
from collections.abc import Sequence
from types import ModuleType

__all__ = ["StandIn", "adopt", "settle", "stand_in"]

_lock = threading.Lock()
_waiting: dict[str, list[tuple[type[BaseException], StandIn, str]]] = {}


class StandIn(Exception):
    """The stand-in base of a class whose real base is imported later."""


def stand_in(module: str, name: str) -> type[StandIn]:
    """A fresh stand-in for ``module.name``; :func:`adopt` it in the classes that use it."""
    return type(f"_StandIn_{name}", (StandIn,), {"__module__": __name__, "_real": (module, name)})


def adopt(cls: type[BaseException], placeholder: type[StandIn]) -> None:
    """Give ``cls`` its real base in place of ``placeholder``, now or when that module arrives."""
    module, name = placeholder._real  # type: ignore[attr-defined]
    with _lock:
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, name):
            _swap(cls, placeholder, getattr(loaded, name))
            return
        _waiting.setdefault(module, []).append((cls, placeholder, name))  # type: ignore[arg-type]
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)


def settle() -> None:
    """Swap now for every awaited module already in ``sys.modules``.

    The finder misses a module put into ``sys.modules`` by hand or loaded by a
    loader without ``exec_module``; the errors call this when one is made, which
    costs a dict lookup once nothing is awaited.
    """
    if not _waiting:
        return
    for name in list(_waiting):
        module = sys.modules.get(name)
        if module is not None:
            _arrived(module)


def _swap(cls: type[BaseException], placeholder: object, real: type[BaseException]) -> None:
    try:
        cls.__bases__ = tuple(real if base is placeholder else base for base in cls.__bases__)
    except TypeError as exc:  # a real base with another layout (__slots__): never break its import
        warnings.warn(f"agents_oci: {cls.__name__} cannot become a {real.__name__} subclass "
                      f"({exc}); catch agents_oci.errors.OCIConfigurationError instead.",
                      RuntimeWarning, stacklevel=2)


def _arrived(module: ModuleType) -> None:
    with _lock:
        waiting = _waiting.pop(module.__name__, [])
        # Still importing (another thread's import, seen by settle()), or a module
        # that no longer has the name: that entry keeps waiting.
        later = [entry for entry in waiting if not hasattr(module, entry[2])]
        for cls, placeholder, name in waiting:
            if hasattr(module, name):
                _swap(cls, placeholder, getattr(module, name))
        if later:
            _waiting[module.__name__] = later
        if not _waiting and _finder in sys.meta_path:
            sys.meta_path.remove(_finder)


class _ThenSwap(importlib.abc.Loader):
    """The module's own loader, then the swap; the module keeps its own loader."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> object:  # get_resource_reader, get_source, ...
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # The real loader from the start: importlib.resources, pkgutil and
        # tracebacks ask the module's loader, and the module runs under it.
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        _arrived(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loader the other finders find for an awaited module."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _waiting:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _ThenSwap(spec.loader)
            return spec
        return None


_finder = _Finder()
