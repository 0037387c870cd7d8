"""The command's entry points, and the runtime package's independence from them."""

from __future__ import annotations

import sys

import pytest

from agents_oci.cli import main

from .conftest import run


def test_import_agents_oci_does_not_import_the_cli_or_the_emulator() -> None:
    code = ("import sys, agents_oci; print(sorted(m for m in sys.modules "
            "if m.split('.')[:2] in (['agents_oci', 'cli'], ['agents_oci', 'testing'])))")
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "agents-oci, version" in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("demo", "doctor", "chat", "emulator"):
        assert f"  {name} " in out


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--no-such-flag"]) == 2
    assert "No such option" in capsys.readouterr().err
    assert main(["chat"]) == 2


def test_chat_explains_a_configuration_error(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCI_CLI_CONFIG_FILE", raising=False)
    monkeypatch.delenv("OCI_CONFIG_FILE", raising=False)
    assert main(["chat", "meta.llama-3.3-70b-instruct", "hi", "--config-file", "/nonexistent/config"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "/nonexistent/config" in captured.err and "does not exist" in captured.err
    assert "agents-oci doctor" in captured.err
