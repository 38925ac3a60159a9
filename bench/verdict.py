"""A bench's verdict: each failure on a line of its own, then PASS or FAILED, and the exit status."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["print_verdict"]


def print_verdict(failures: Sequence[str]) -> int:
    """Print ``failures`` and the verdict; return the process's exit status (1 when any failed)."""
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0
