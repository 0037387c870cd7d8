"""Region and realm -> base URL, from the oci SDK's own tables."""

from __future__ import annotations

import oci.regions
import pytest

from agents_oci.config.endpoints import (
    canonical_region,
    inference_base_url,
    native_base_url,
    realm_domain,
    realm_of,
)
from agents_oci.errors import UnknownRegionError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("us-chicago-1", "us-chicago-1"),
        ("US-Chicago-1", "us-chicago-1"),
        ("ord", "us-chicago-1"),
        ("ORD", "us-chicago-1"),
        ("fra", "eu-frankfurt-1"),
        ("iad", "us-ashburn-1"),
        ("eu-frankfurt-2", "eu-frankfurt-2"),
    ],
)
def test_canonical_region_accepts_long_and_short_names(name: str, expected: str) -> None:
    assert canonical_region(name) == expected


def test_unknown_region_lists_close_matches_and_the_fix() -> None:
    with pytest.raises(UnknownRegionError) as info:
        canonical_region("us-chicgo-1")
    message = str(info.value)
    assert "'us-chicgo-1'" in message
    assert "Did you mean: us-chicago-1" in message
    assert "region='us-chicago-1'" in message and "OCI_REGION" in message


def test_unknown_region_names_its_source() -> None:
    with pytest.raises(UnknownRegionError, match=r"from environment OCI_REGION"):
        canonical_region("mars-1", source="environment OCI_REGION")


def test_unknown_region_suggests_short_names_with_their_long_form() -> None:
    with pytest.raises(UnknownRegionError, match=r"ord \(us-chicago-1\)"):
        canonical_region("ordd")


def test_unknown_region_never_consults_external_region_sources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The SDK's helpers read ~/.oci/regions-config.json, env vars and maybe IMDS
    # for unknown names; we must only ever read the static tables.
    def forbidden(*_args: object) -> bool:
        raise AssertionError("external region lookup")

    monkeypatch.setattr(oci.regions, "_check_and_add_region_metadata", forbidden)
    with pytest.raises(UnknownRegionError):
        canonical_region("nowhere-1")
    assert inference_base_url("ord").startswith("https://")


@pytest.mark.parametrize(
    ("region", "realm", "domain"),
    [
        ("us-chicago-1", "oc1", "oraclecloud.com"),
        ("eu-frankfurt-2", "oc19", "oraclecloud.eu"),
        ("uk-gov-london-1", "oc4", "oraclegovcloud.uk"),
        ("us-langley-1", "oc2", "oraclegovcloud.com"),
        ("ord", "oc1", "oraclecloud.com"),
    ],
)
def test_realms_and_base_urls(region: str, realm: str, domain: str) -> None:
    long_name = canonical_region(region)
    assert realm_of(region) == realm
    assert realm_domain(realm) == domain
    host = f"https://inference.generativeai.{long_name}.oci.{domain}"
    assert native_base_url(region) == host
    assert inference_base_url(region) == host + "/openai/v1"


def test_realm_domain_is_case_insensitive_and_rejects_unknown_realms() -> None:
    assert realm_domain("OC19") == "oraclecloud.eu"
    with pytest.raises(UnknownRegionError, match=r"known realms are .*oc1.*upgrade"):
        realm_domain("oc999")


def test_every_region_of_the_sdk_gets_its_realm_domain() -> None:
    for region, realm in oci.regions.REGION_REALMS.items():
        domain = oci.regions.REALMS[realm]
        assert inference_base_url(region) == (
            f"https://inference.generativeai.{region}.oci.{domain}/openai/v1"
        )
        if realm != "oc1":
            assert ".oraclecloud.com/" not in inference_base_url(region)
    for short, region in oci.regions.REGIONS_SHORT_NAMES.items():
        assert inference_base_url(short) == inference_base_url(region)


def test_tables_come_from_the_sdks_data_module_without_importing_oci() -> None:
    # Importing the oci package took 0.38 s of `agents-oci doctor`; the three
    # dictionaries are read from oci/regions_definitions.py alone, and must be
    # the very tables oci.regions exposes.
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import sys
        from agents_oci.config import endpoints
        print(endpoints.inference_base_url(endpoints.canonical_region("fra")))
        tables = endpoints._regions()
        print("oci" in sys.modules, tables.__name__)
        import oci.regions
        print(all(getattr(tables, n) == getattr(oci.regions, n) for n in endpoints._TABLE_NAMES))
        print(endpoints._regions() is oci.regions)  # once imported, the SDK's own (live) tables
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "https://inference.generativeai.eu-frankfurt-1.oci.oraclecloud.com/openai/v1",
        "False agents_oci._oci_region_tables",
        "True",
        "True",
    ]
