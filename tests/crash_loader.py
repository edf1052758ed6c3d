"""Child program for tests/test_crash.py: one scan's bulk load, there to be killed midway.

    python tests/crash_loader.py DB POSTINGS_JSONL STATUSES_JSON

Prints "ready" once its imports are done, so the parent times its kill over the load itself
and not over interpreter start-up; then opens the warehouse writer, loads the file as one scan and
prints "loaded" once it has committed (closing the file comes after).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from warehouse.db import writer
from warehouse.load import load_scan


def main(db: Path, postings: Path, statuses: Path) -> None:
    records = json.loads(statuses.read_text(encoding="utf-8"))
    print("ready", flush=True)
    with writer(db) as con:
        load_scan(con, started_at=datetime.now(timezone.utc), origin=str(postings), posting_files=[postings],
                  statuses=records)
        print("loaded", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
