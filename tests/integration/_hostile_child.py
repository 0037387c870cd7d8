"""Run in a child process by test_hostile_files: one setting, every hostile file, one line each.

Usage: python -m tests.integration._hostile_child SETTING WORKDIR KEY_FILE

The child caps its address space a little above what it uses after imports,
so an unbounded read ends in MemoryError instead of swapping the machine, and
arms an alarm per case, so a blocking read is reported instead of hanging.
Each case prints one JSON line: the error's class, its message and the time
the construction took.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

from agents_oci import OCIConfigurationError, OCIProvider

HEADROOM = 256 * 1024 * 1024
ALARM_SECONDS = 10
BASE_URL = "http://127.0.0.1:9/openai/v1"  # never contacted: every case fails at construction


def hostile_files(workdir: Path) -> dict[str, str]:
    fifo = workdir / "fifo"
    os.mkfifo(fifo)
    (workdir / "loop-a").symlink_to(workdir / "loop-b")
    (workdir / "loop-b").symlink_to(workdir / "loop-a")
    (workdir / "directory").mkdir()
    (workdir / "latin1").write_bytes(b"[DEFAULT]\nuser = caf\xe9\n")
    (workdir / "large").write_bytes(b"#" * (300 * 1024))
    return {
        "dev_zero": "/dev/zero",
        "fifo": str(fifo),
        "symlink_loop": str(workdir / "loop-a"),
        "directory": str(workdir / "directory"),
        "not_utf8": str(workdir / "latin1"),
        "too_large": str(workdir / "large"),
    }


def config_for(setting: str, path: str, key_file: str, workdir: Path, case: str) -> str:
    if setting == "config_file":
        return path
    fingerprint = ":".join(["aa"] * 16)  # well formed: the profile checks run before the key
    entries = f"user=ocid1.user.oc1..aaaauser\nfingerprint={fingerprint}\n" \
              f"tenancy=ocid1.tenancy.oc1..aaaa\nregion=us-chicago-1\n" \
              f"key_file={path if setting == 'key_file' else key_file}\n"
    if setting == "security_token_file":
        entries += f"security_token_file={path}\n"
    config = workdir / f"config-{case}"
    config.write_text(f"[DEFAULT]\n{entries}")
    return str(config)


def _vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError(f"blocked for {ALARM_SECONDS} s")


def main(setting: str, workdir: str, key_file: str) -> None:
    files = hostile_files(Path(workdir))
    limit = _vm_bytes() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    for case, path in files.items():
        config = config_for(setting, path, key_file, Path(workdir), case)
        start = time.perf_counter()
        signal.alarm(ALARM_SECONDS)
        try:
            OCIProvider(config_file=config, base_url=BASE_URL)
            outcome: dict[str, Any] = {"error": None, "message": ""}
        except OCIConfigurationError as exc:
            outcome = {"error": type(exc).__name__, "message": str(exc), "configuration": True}
        except BaseException as exc:  # MemoryError, TimeoutError: what the test must rule out
            outcome = {"error": type(exc).__name__, "message": str(exc)[:200]}
        finally:
            signal.alarm(0)
        outcome.update(case=case, seconds=time.perf_counter() - start)
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
