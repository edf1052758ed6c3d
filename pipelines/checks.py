"""Data checks over the warehouse, and the record of each flow run with the checks it ran.

A check is a file in warehouse/checks/: one SELECT that returns the rows breaking a
rule (none = pass), under a header whose first line states the rule and which holds
a `-- severity: error|warn` line. Checks run on a read-only connection, so a check
cannot change the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.db import CHECKS, reader, writer
from warehouse.runs import failing_rows, insert_run

SEVERITIES = ("error", "warn")
SAMPLE_ROWS = 5
_SEVERITY_LINE = re.compile(r"^--\s*severity:\s*(\S+)\s*$", re.MULTILINE)


class CheckFileError(ValueError):
    """A check file that cannot be run; the message names the file and the problem."""


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    rule: str
    sql: str

    @classmethod
    def read(cls, path: Path) -> Check:
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        severity = _SEVERITY_LINE.search(sql)
        if not sql.startswith("--"):
            raise CheckFileError(f"{path}: the first line must state the rule as a comment")
        if not severity or severity.group(1) not in SEVERITIES:
            raise CheckFileError(f"{path}: the header needs a '-- severity: error' or '-- severity: warn' line")
        return cls(path.stem, severity.group(1), sql.splitlines()[0].lstrip("- ").strip(), sql)


@dataclass(frozen=True)
class CheckResult:
    name: str
    severity: str
    rule: str
    failing_rows: int
    sample: list[dict]  # the first failing rows

    @property
    def passed(self) -> bool:
        return self.failing_rows == 0

    @property
    def fails_run(self) -> bool:
        return not self.passed and self.severity == "error"

    def describe(self) -> str:
        return f"check {self.name} ({self.severity}): {self.failing_rows} failing rows: {self.rule}"


def load_checks(folder: Path = CHECKS) -> list[Check]:
    return [Check.read(path) for path in sorted(Path(folder).glob("*.sql"))]


def run_checks(db: Path, folder: Path = CHECKS) -> list[CheckResult]:
    """Run every check in the folder, in name order."""
    checks = load_checks(folder)
    results = []
    with reader(db) as con:
        for check in checks:
            try:
                failing, sample = failing_rows(con, check.sql, SAMPLE_ROWS)
            except duckdb.Error as exc:
                raise CheckFileError(f"{folder / check.name}.sql: {exc}") from None
            results.append(CheckResult(check.name, check.severity, check.rule, failing, sample))
    return results


def record_run(db: Path, *, flow: str, prefect_id: str | None, started_at: datetime, status: str,
               summary: dict, checks: Sequence[CheckResult] = (), scan_id: int | None = None,
               error: str | None = None) -> int:
    """Write one flow_runs row and its check_results in one transaction; returns the run_id."""
    with writer(db) as con:
        run_id = insert_run(con, flow=flow, prefect_id=prefect_id, started_at=started_at, status=status,
                            summary=summary, checks=[(c.name, c.severity, c.failing_rows, c.sample) for c in checks],
                            scan_id=scan_id, error=error)
    return run_id
