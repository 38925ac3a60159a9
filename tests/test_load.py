"""The short load test: thirty users on a real `streamlit run`, three short cycles.

bench/load.py runs the full version (minute-long cycles, 7 to 22 s of
reading) and prints the latency figures; here we prove the behaviour
under the same concurrency: every click gets its own result, nothing
errors, and the server's memory levels off across cycles.
"""

from __future__ import annotations

import pytest

from .browser import running_server
from .load import run_load


@pytest.fixture(scope="module")
def load_result():  # type: ignore[no-untyped-def]
    with running_server() as app:
        yield run_load(
            [app.url], [app.process.pid], users=30, cycles=3, cycle_seconds=6, reading=(2, 5), pause=1, stagger=3
        )


def test_thirty_concurrent_users_each_get_their_result_without_errors(load_result) -> None:  # type: ignore[no-untyped-def]
    assert load_result.errors == []
    for cycle in load_result.cycles:
        assert len(cycle.latencies) >= cycle.sessions  # every user scored at least once in every cycle


def test_server_memory_levels_off_between_cycles_of_users(load_result) -> None:  # type: ignore[no-untyped-def]
    assert load_result.memory_growth < 0.10
