"""Memory the benchmark measures: a process's peak RSS, and its children's sampled while they run."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def status_kb(pid: int | str, field: str) -> int:
    """A memory field of /proc/<pid>/status in KiB (VmHWM: the process's peak RSS since its exec); 0 once gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            children = []
        found += children
        stack += children
    return found


class TreeMemory(threading.Thread):
    """Samples this process's children every 0.1 s: each one's peak RSS (VmHWM) and the whole tree's total RSS.

    Not getrusage: on Linux a child's ru_maxrss starts at the peak RSS of the process that started it.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.children_peak_kb: dict[int, int] = {}
        self.tree_peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._done.wait(0.1):
            total = status_kb(me, "VmRSS")
            for pid in _descendants(me):
                self.children_peak_kb[pid] = max(self.children_peak_kb.get(pid, 0), status_kb(pid, "VmHWM"))
                total += status_kb(pid, "VmRSS")
            self.tree_peak_kb = max(self.tree_peak_kb, total)

    def stop(self) -> None:
        self._done.set()
        self.join()
