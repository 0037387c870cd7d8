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
from rich.table import Table
from rich.text import Text

__all__ = ["Check", "Report", "SettingRow", "Status", "render_json", "render_text"]

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
    value: str
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
    """The report for machines: ``{"ok", "settings": [...], "checks": [...]}``."""
    payload = {
        "ok": report.ok,
        "settings": [asdict(row) for row in report.settings],
        "checks": [asdict(check) for check in report.checks],
    }
    return json.dumps(payload, indent=2)


def render_text(report: Report, console: Console) -> None:
    """The report for people: the settings table, then one line per check."""
    if report.settings:
        console.print(Text("Settings (the first source that has a value wins)", style="bold"))
        console.print(_settings_table(report.settings))
    else:
        console.print(Text("Settings: not resolved (see the failed check below)", style="bold"))
    console.print()
    console.print(Text("Checks", style="bold"))
    for check in _merge_skipped(report.checks):
        console.print(_check_line(check), soft_wrap=True)
        if check.fix:
            console.print(Text(f"       fix: {check.fix}"), soft_wrap=True)
    console.print()
    failed = sum(check.status == "fail" for check in report.checks)
    verdict = "All checks passed." if report.ok else f"{failed} check(s) failed."
    console.print(Text(verdict, style="bold green" if report.ok else "bold red"))


def _settings_table(rows: Sequence[SettingRow]) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("setting", style="cyan", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", style="dim", overflow="fold")
    for row in rows:
        table.add_row(row.name, row.value, row.source)
    return table


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
