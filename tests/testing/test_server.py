"""The emulator's lifecycle: a real server on a free port, in-process use, packaging."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest
import requests

from agents_oci.testing import OCIEmulator


def test_start_and_stop_on_free_ports() -> None:
    first, second = OCIEmulator().start(), OCIEmulator().start()
    try:
        assert first.port != second.port
        assert first.base_url == f"http://127.0.0.1:{first.port}/openai/v1"
        key = first.register_bearer_key()
        response = requests.get(
            f"{first.base_url}/models", headers={"authorization": f"Bearer {key}"}, timeout=10
        )
        assert response.status_code == 200
        port = first.port
    finally:
        first.close()
        second.close()
    with pytest.raises(ConnectionError), socket.create_connection(("127.0.0.1", port), 1):
        pass
    assert not [t for t in threading.enumerate() if t.name == f"oci-emulator-{port}"]
    with pytest.raises(RuntimeError, match="not serving"):
        _ = first.base_url


def test_restart_after_stop() -> None:
    emu = OCIEmulator()
    try:
        emu.start()
        emu.stop()
        emu.start()
        key = emu.register_bearer_key()
        assert requests.get(
            f"{emu.base_url}/models", headers={"authorization": f"Bearer {key}"}, timeout=10
        ).ok
    finally:
        emu.close()


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("us-chicago-1", "inference.generativeai.us-chicago-1.oci.oraclecloud.com"),
        ("eu-frankfurt-2", "inference.generativeai.eu-frankfurt-2.oci.oraclecloud.eu"),
        ("uk-gov-london-1", "inference.generativeai.uk-gov-london-1.oci.oraclegovcloud.uk"),
    ],
)
def test_inprocess_base_url_uses_the_realm_domain(region: str, host: str) -> None:
    emu = OCIEmulator(region=region)
    try:
        assert emu.inprocess_base_url == f"https://{host}/openai/v1"
        assert emu.region == region
        assert emu.credentials.config("DEFAULT")["region"] == region
    finally:
        emu.close()


def test_reset_forgets_state(emu: OCIEmulator, bearer_key: str) -> None:
    emu.queue_text("unused")
    emu.faults.fail_next(status=500)
    assert (
        requests.post(
            f"{emu.base_url}/responses",
            json={"model": "openai.gpt-5.5", "input": "x"},
            headers={"authorization": f"Bearer {bearer_key}"},
            timeout=10,
        ).status_code
        == 500
    )
    requests.post(
        f"{emu.base_url}/responses",
        json={"model": "openai.gpt-5.5", "input": "x"},
        headers={"authorization": f"Bearer {bearer_key}"},
        timeout=10,
    )
    emu.faults.fail_next(status=500)
    emu.reset()
    assert emu.journal.entries == () and emu.store.ids() == () and emu.script.pending == 0
    assert requests.get(
        f"{emu.base_url}/models", headers={"authorization": f"Bearer {bearer_key}"}, timeout=10
    ).ok


def test_packaging_boundaries() -> None:
    # One interpreter (importing the Agents SDK is slow): the runtime package
    # never imports the emulator, and without uvicorn the error names the extra.
    code = (
        "import sys, agents_oci\n"
        "print('agents_oci.testing' in sys.modules)\n"
        "sys.modules['uvicorn'] = None\n"
        "try:\n"
        "    import agents_oci.testing\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    imported, message = result.stdout.splitlines()
    assert imported == "False"
    assert message.endswith('pip install "openai-agents-oci[testing]"')
