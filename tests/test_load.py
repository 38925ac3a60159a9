"""The short load test: thirty users on a real `streamlit run`, three cycles.

bench/load.py runs the full version (minute-long cycles, 7 to 22 s of
reading) and prints the latency figures. Here we prove the behaviour under
the same concurrency with a bound on work, not on time: each user makes
two score clicks per cycle however long they take, so a slow or busy
machine only makes the test slower, never red. Every click must show the
fit of the CV that user pasted, nothing errors, and the server's memory
levels off across cycles.
"""

from __future__ import annotations

import pytest

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.verdict import NO_FIT_BELOW

from .browser import running_server
from .load import NO_FIT_SHOWN, run_load

USERS, CLICKS = 30, 2


@pytest.fixture(scope="module")
def load_result():  # type: ignore[no-untyped-def]
    with running_server() as app:
        yield run_load([app.url], [app.process.pid], users=USERS, cycles=3, clicks=CLICKS, reading=(0.5, 1.5),
                       pause=0.5, stagger=1.5)  # fmt: skip


def test_thirty_concurrent_users_each_get_their_own_result_without_errors(load_result, matcher: Matcher) -> None:  # type: ignore[no-untyped-def]
    assert load_result.errors == []
    for cycle in load_result.cycles:
        assert len(cycle.results) == USERS * CLICKS  # every click of every user got a result
        for text, shown in cycle.results:
            best = matcher.assess(text).fits[0]
            expected = NO_FIT_SHOWN if best.fit < NO_FIT_BELOW else f"{best.fit:.0f} / 100 ({best.band})"
            assert shown == expected  # ... and it is the fit of that user's CV


def test_server_memory_levels_off_between_cycles_of_users(load_result) -> None:  # type: ignore[no-untyped-def]
    assert load_result.memory_growth < 0.10
