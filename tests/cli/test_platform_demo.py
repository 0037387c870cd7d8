"""``agents-oci demo --platform`` in a subprocess: files, vector store, File Search, compaction."""

from __future__ import annotations

import re

from .conftest import clean_env, command, run_all


def test_platform_demo_answers_from_the_document_and_compacts() -> None:
    result = run_all({"demo": (command("demo", "--platform"), clean_env())})["demo"]
    assert result.returncode == 0, result.output
    out = result.stdout
    assert re.search(r"vector store\s+vs_\w+ created on the control plane "
                     r"\(/20231130/openai/v1/vector_stores\)", out)
    assert "30 days of delivery" in out and "[cites policy.txt]" in out
    assert re.search(r"compaction\s+OCI compacted the conversation", out)
    assert out.rstrip().endswith("all worked on the emulator.")
    assert "Your name is Ada." in out
    summary = re.search(r"(\d+) requests, (\d+) signatures verified", out)
    assert summary and summary.group(1) == summary.group(2)
