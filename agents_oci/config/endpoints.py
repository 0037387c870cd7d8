"""Region and realm to base URL, from the ``oci`` SDK's own tables.

The domain of an endpoint depends on the realm of its region (``oc1`` is
``oraclecloud.com``, ``oc19`` is ``oraclecloud.eu``, ...), so nothing here
hard-codes ``oraclecloud.com``: every lookup goes through
``oci.regions.REGION_REALMS``, ``oci.regions.REALMS`` and
``oci.regions.REGIONS_SHORT_NAMES``.

We read those dictionaries directly on purpose. The SDK's helper functions
(``oci.regions.is_region``, ``get_realm_from_region``, ``endpoint_for``)
fall back, for a name they do not know, to ``~/.oci/regions-config.json``,
the ``OCI_REGION_METADATA`` and ``OCI_DEFAULT_REALM`` environment variables
and, when enabled, the instance metadata service; and they silently default
an unknown region to realm ``oc1``. A typo must be an error, not a request to
the wrong realm.

The tables come from the SDK's pure-data module ``oci/regions_definitions.py``,
loaded on its own from the installed ``oci`` package: importing ``oci``
itself (``oci.regions`` pulls in its auth, vendored requests and urllib3)
took 381 ms of ``agents-oci doctor``'s 834 ms here, and only these three
dictionaries are needed. If the program has imported ``oci.regions`` already,
its dictionaries are used instead, with any regions the SDK added to them at
run time. Should the data module ever move, ``oci.regions`` is imported.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import sys
from typing import Any, Final

from ..errors import UnknownRegionError

__all__ = [
    "NATIVE_CHAT_PATH",
    "native_chat_url",
    "canonical_region",
    "realm_of",
    "realm_domain",
    "inference_base_url",
    "native_base_url",
]

_NATIVE_URL: Final = "https://inference.generativeai.{region}.oci.{domain}"
_OPENAI_PATH: Final = "/openai/v1"
_MAX_SUGGESTIONS: Final = 3


_TABLES: Any = None
_TABLE_NAMES: Final = ("REGION_REALMS", "REALMS", "REGIONS_SHORT_NAMES")


def _regions() -> Any:
    """The SDK's region tables (see the module docstring)."""
    global _TABLES
    imported = sys.modules.get("oci.regions")
    if imported is not None:
        return imported
    if _TABLES is None:
        _TABLES = _definitions()
    return _TABLES


def _definitions() -> Any:
    """``oci/regions_definitions.py`` run on its own (``oci`` not imported), or ``oci.regions``."""
    try:
        spec = importlib.util.find_spec("oci")  # finds the package without running it
        folders = list(spec.submodule_search_locations or ()) if spec is not None else []
        path = os.path.join(folders[0], "regions_definitions.py")
        data = importlib.util.spec_from_file_location("agents_oci._oci_region_tables", path)
        if data is None or data.loader is None:
            raise ImportError(path)
        module = importlib.util.module_from_spec(data)
        data.loader.exec_module(module)
        if all(isinstance(getattr(module, name, None), dict) for name in _TABLE_NAMES):
            return module
    except (ImportError, OSError, IndexError, SyntaxError):
        pass
    import oci.regions

    return oci.regions


def canonical_region(name: str, *, source: str | None = None) -> str:
    """Return the long region identifier for a long or short region name.

    Matching is case-insensitive; short names are the SDK's airport codes.
    ``source`` (e.g. ``"environment OCI_REGION"``) is named in the error.

    >>> canonical_region("ord")
    'us-chicago-1'
    >>> canonical_region("EU-Frankfurt-1")
    'eu-frankfurt-1'

    Raises:
        UnknownRegionError: the name is in neither table; the message lists
            close matches and how to fix it.
    """
    key = name.lower()
    regions = _regions()
    realms: dict[str, str] = regions.REGION_REALMS
    short_names: dict[str, str] = regions.REGIONS_SHORT_NAMES
    if key in realms:
        return key
    if key in short_names:
        return short_names[key]
    raise UnknownRegionError(_unknown_region_message(name, source, realms, short_names))


def _unknown_region_message(
    name: str, source: str | None, realms: dict[str, str], short_names: dict[str, str]
) -> str:
    candidates = difflib.get_close_matches(
        name.lower(), [*realms, *short_names], n=_MAX_SUGGESTIONS, cutoff=0.6
    )
    shown = [c if c in realms else f"{c} ({short_names[c]})" for c in candidates]
    origin = f" (from {source})" if source else ""
    hint = f" Did you mean: {', '.join(shown)}?" if shown else ""
    return (
        f"Unknown OCI region {name!r}{origin}: it is not in the oci SDK's region tables "
        f"({len(realms)} regions).{hint} Fix: pass a region like region='us-chicago-1' "
        "(or a short name like 'ord'), or set OCI_REGION; for a region newer than your "
        "oci package, upgrade it (pip install -U oci)."
    )


def realm_of(region: str) -> str:
    """Return the realm key (``oc1``, ``oc19``, ...) of a long or short region name.

    >>> realm_of("eu-frankfurt-2")
    'oc19'
    >>> realm_of("lhr")
    'oc1'
    """
    realms: dict[str, str] = _regions().REGION_REALMS
    return realms[canonical_region(region)]


def realm_domain(realm: str) -> str:
    """Return the second-level domain of a realm, case-insensitively.

    >>> realm_domain("oc1")
    'oraclecloud.com'
    >>> realm_domain("oc4")
    'oraclegovcloud.uk'

    Raises:
        UnknownRegionError: the realm is not in ``oci.regions.REALMS``.
    """
    domains: dict[str, str] = _regions().REALMS
    key = realm.lower()
    if key in domains:
        return domains[key]
    raise UnknownRegionError(
        f"Unknown OCI realm {realm!r}: known realms are {', '.join(sorted(domains))}. "
        "Fix: pass a region of a known realm (region='us-chicago-1'), or upgrade the "
        "oci package (pip install -U oci) if the realm is new."
    )


def native_base_url(region: str) -> str:
    """Return the Generative AI inference host URL (native API) of a region.

    >>> native_base_url("uk-gov-london-1")
    'https://inference.generativeai.uk-gov-london-1.oci.oraclegovcloud.uk'
    """
    canonical = canonical_region(region)
    return _NATIVE_URL.format(region=canonical, domain=realm_domain(realm_of(canonical)))


def inference_base_url(region: str) -> str:
    """Return the OpenAI-compatible base URL of a region (long or short name).

    >>> inference_base_url("ord")
    'https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1'
    >>> inference_base_url("eu-frankfurt-2")
    'https://inference.generativeai.eu-frankfurt-2.oci.oraclecloud.eu/openai/v1'
    """
    return native_base_url(region) + _OPENAI_PATH


_OPENAI_SUFFIXES: Final = ("/openai/v1", "/20231130/actions/v1")
NATIVE_CHAT_PATH: Final = "/20231130/actions/chat"


def native_chat_url(base_url: str) -> str:
    """The native chat URL next to an OpenAI-compatible base URL.

    The OpenAI-compatible API lives under ``/openai/v1`` of the inference host;
    the native API under ``/20231130/actions`` of the same host, so a
    ``base_url`` (the real endpoint, a proxy, the emulator) gives both.

    >>> native_chat_url("https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1")
    'https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/20231130/actions/chat'
    """
    root = base_url.rstrip("/")
    for suffix in _OPENAI_SUFFIXES:
        if root.endswith(suffix):
            root = root[: -len(suffix)]
            break
    return root + NATIVE_CHAT_PATH
