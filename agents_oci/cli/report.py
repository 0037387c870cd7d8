"""The doctor's findings as data, and their two renderings: text and JSON.

A :class:`Check` is one question answered (``pass``, ``warn``, ``fail`` or
``skip``) with the fix when there is one; a :class:`Report` is the resolved
settings, each with its source, plus the checks. Only ``fail`` makes the
doctor exit 1: a warning is worth reading but does not stop a request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Final, Literal

from rich.console import Console
from rich.text import Text

from .wording import for_cli

__all__ = ["Check", "Report", "SettingRow", "Status", "render_json", "render_text"]

NO_VALUE: Final = "(none)"
"""How the text report shows a setting without a value."""
Status = Literal["pass", "warn", "fail", "skip"]
_STYLES: Final[dict[str, str]] = {
    "pass": "bold green", "warn": "bold yellow", "fail": "bold red", "skip": "dim",
}


@dataclass(frozen=True)
class Check:
    """One diagnosis: what was checked, the outcome, what was seen, and the fix."""

    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class SettingRow:
    """One resolved value and where it came from (secrets already redacted)."""

    name: str
    value: str | None
    """None when no source had a value (``(none)`` on the text report, ``null`` in JSON)."""
    source: str


@dataclass
class Report:
    """Everything the doctor found."""

    settings: list[SettingRow] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No check failed (warnings and skipped checks allowed)."""
        return all(check.status != "fail" for check in self.checks)

    def add(self, checks: Sequence[Check]) -> None:
        self.checks.extend(checks)


def render_json(report: Report) -> str:
    """The report for machines: ``{"ok", "settings": [...], "checks": [...]}``.

    A setting with no value is ``null``; messages name flags, as on the text report.
    """
    payload = {
        "ok": report.ok,
        "settings": [asdict(_for_cli_row(row)) for row in report.settings],
        "checks": [asdict(_for_cli_check(check)) for check in report.checks],
    }
    return json.dumps(payload, indent=2)


def render_text(report: Report, console: Console) -> None:
    """The report for people: one line per setting, then one line per check.

    Lines are printed whole (``soft_wrap``): a narrow terminal folds them on
    screen, but no newline is ever put inside an OCID, a fingerprint or a path,
    and nothing pads a line with spaces (piped output stays as long as its text).
    """
    if report.settings:
        console.print(Text("Settings (the first source that has a value wins)", style="bold"))
        width = max(len(row.name) for row in report.settings)
        for row in report.settings:
            console.print(_setting_line(_for_cli_row(row), width), soft_wrap=True)
    else:
        console.print(Text("Settings: not resolved (see the failed check below)", style="bold"))
    console.print()
    console.print(Text("Checks", style="bold"))
    for check in _merge_skipped([_for_cli_check(c) for c in report.checks]):
        console.print(_check_line(check), soft_wrap=True)
        if check.fix:
            console.print(Text(f"       fix: {check.fix}"), soft_wrap=True)
    console.print()
    failed = sum(check.status == "fail" for check in report.checks)
    verdict = "All checks passed." if report.ok else f"{failed} check(s) failed."
    console.print(Text(verdict, style="bold green" if report.ok else "bold red"))


def _for_cli_row(row: SettingRow) -> SettingRow:
    return SettingRow(row.name, row.value, for_cli(row.source))


def _for_cli_check(check: Check) -> Check:
    fix = None if check.fix is None else for_cli(check.fix)
    return Check(check.name, check.status, for_cli(check.detail), fix)


def _setting_line(row: SettingRow, width: int) -> Text:
    line = Text("  ")
    line.append(row.name.ljust(width), style="cyan")
    line.append(f"  {NO_VALUE if row.value is None else row.value}")
    line.append(f"  ({row.source})", style="dim")
    return line


def _merge_skipped(checks: Sequence[Check]) -> list[Check]:
    """Neighbouring checks skipped for the same reason share one line of text."""
    merged: list[Check] = []
    for (skipped, detail), group in groupby(checks, key=lambda c: (c.status == "skip", c.detail)):
        run = list(group)
        if skipped and len(run) > 1:
            run = [Check(", ".join(c.name for c in run), "skip", detail)]
        merged.extend(run)
    return merged


def _check_line(check: Check) -> Text:
    line = Text("  ")
    line.append(check.status.upper().ljust(4), style=_STYLES[check.status])
    line.append(f" {check.name}: ", style="bold")
    line.append(check.detail)
    return line
