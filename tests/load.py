"""Many users on one running app: the load driver behind bench/load.py and tests/test_load.py.

Each simulated user opens the fit check in a new session, pastes a CV it
has not pasted before, clicks "Score the CV", reads the result for a
random while, and scores again until its cycle is over; then it closes
the tab. Users start at random moments and read for random times, so
they are never in lockstep. Memory is the server's resident set, sampled
through the run from /proc.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.streamlit_client import Run, StreamlitSession, UploadRefused

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
# With a fixed number of clicks a slow machine only waits longer; this only catches a hung server.
_TEST_TIMEOUT = 300.0
#: The heading the fit check shows instead of a fit when no role fits (webui/components.py).
NO_FIT_SHOWN = "No healthcare software role fits this text"

__all__ = [
    "Cycle",
    "LoadResult",
    "UploadOutcome",
    "percentile",
    "resident_bytes",
    "run_load",
    "upload_beside_another_user",
    "vary_cv",
]


def vary_cv(text: str, rng: random.Random, serial: int) -> str:
    """A CV nobody pasted before: a sample with some lines dropped and its lines reordered."""
    lines = [line for line in text.splitlines() if line.strip()]
    head, body = lines[:2], lines[2:]
    kept = [line for line in body if rng.random() > 0.2] or body
    rng.shuffle(kept)
    return "\n".join([*head, *kept, f"Reference number {serial}"]) + "\n"


def resident_bytes(pids: list[int], *, children: bool = True) -> int:
    """Resident memory of the given processes (and their children), from /proc (0 for a gone process)."""
    total = 0
    seen: set[int] = set()
    stack = list(pids)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
        if children:
            stack.extend(int(child) for child in kids)
    return total


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the value `share` of the sample is at or under."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Cycle:
    """One cycle of users: click-to-result times, errors, and the server's memory."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    results: list[tuple[str, str]] = field(default_factory=list)  # (the CV a user pasted, the fit it was shown)
    errors: list[str] = field(default_factory=list)
    peak_rss: int = 0
    end_rss: int = 0
    sessions: int = 0

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)


@dataclass
class LoadResult:
    cycles: list[Cycle]

    @property
    def latencies(self) -> list[float]:
        return [t for cycle in self.cycles for t in cycle.latencies]

    @property
    def errors(self) -> list[str]:
        return [e for cycle in self.cycles for e in cycle.errors]

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def memory_growth(self) -> float:
        """Growth of the peak resident set from the second-to-last cycle to the last."""
        before, after = self.cycles[-2].peak_rss, self.cycles[-1].peak_rss
        return (after - before) / before


def _more_clicks(deadline: float, clicks: int | None, done: int) -> bool:
    """A bench user clicks until its deadline; a test user makes a fixed number of clicks, however slow."""
    return done < clicks if clicks is not None else time.monotonic() < deadline


async def _user(
    base_url: str, cycle: Cycle, deadline: float, rng: random.Random, serials: Iterator[int], *, stagger: float,
    reading: tuple[float, float], clicks: int | None,
) -> None:  # fmt: skip
    await asyncio.sleep(rng.uniform(0, stagger))
    session = StreamlitSession(base_url, timeout=_TEST_TIMEOUT if clicks is not None else 60.0)
    try:
        first = await session.connect()
        if first.errors:
            cycle.errors.extend(first.errors)
        done = 0
        while _more_clicks(deadline, clicks, done):
            done += 1
            text = vary_cv(rng.choice(SAMPLES).read_text(encoding="utf-8"), rng, next(serials))
            run = await session.rerun({"cv_text": text}, triggers=("score_cv",))
            if run.errors:
                cycle.errors.extend(run.errors)
            elif NO_FIT_SHOWN in run.texts("heading"):
                cycle.latencies.append(run.seconds)
                cycle.results.append((text, NO_FIT_SHOWN))  # a text some lines short of any role: its honest state
            elif not (run.has("metric") and run.has("vega_lite_chart")):
                shown = sorted({kind for kind, _ in run.elements})
                cycle.errors.append(f"a score click ended with neither a fit nor the no-fit state (it showed {shown})")
            else:
                cycle.latencies.append(run.seconds)
                cycle.results.append((text, run.texts("metric")[0]))
            await asyncio.sleep(rng.uniform(*reading))
    except Exception as exc:  # noqa: BLE001 - any failure is a finding: a closed socket, a timeout, a protocol error
        cycle.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await session.close()


async def _sample_memory(pids: list[int], cycle: Cycle, stop: asyncio.Event) -> None:
    while not stop.is_set():
        cycle.peak_rss = max(cycle.peak_rss, resident_bytes(pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def _run(
    urls: list[str], pids: list[int], *, users: int, cycles: int, cycle_seconds: float, reading: tuple[float, float],
    pause: float, seed: int, stagger: float, clicks: int | None,
) -> LoadResult:  # fmt: skip
    rng = random.Random(seed)
    serials = itertools.count(1)  # shared by all users: no CV is pasted twice
    done: list[Cycle] = []
    for _ in range(cycles):
        cycle = Cycle(sessions=users)
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_memory(pids, cycle, stop))
        started = time.monotonic()
        deadline = started + cycle_seconds
        await asyncio.gather(
            *(
                _user(urls[n % len(urls)], cycle, deadline, random.Random(rng.random()), serials,
                      stagger=stagger, reading=reading, clicks=clicks)
                for n in range(users)
            )
        )  # fmt: skip
        cycle.seconds = time.monotonic() - started
        stop.set()
        await sampler
        await asyncio.sleep(pause)  # every tab is closed: the disconnect between cycles
        cycle.end_rss = resident_bytes(pids)
        done.append(cycle)
    return LoadResult(done)


def run_load(
    urls: list[str], pids: list[int], *, users: int = 30, cycles: int = 3, cycle_seconds: float = 60,
    reading: tuple[float, float] = (7, 22), pause: float = 5, seed: int = 11, stagger: float = 7,
    clicks: int | None = None,
) -> LoadResult:  # fmt: skip
    """Run `cycles` cycles of `users` users against the app at `urls` (round robin); `pids` are the servers.

    Without `clicks` each user scores until its cycle's `cycle_seconds` are over (the bench: how fast);
    with it each user makes exactly `clicks` score clicks however long they take (the test: a bound on
    work, so the verdict never depends on the machine's speed).
    """
    return asyncio.run(
        _run(urls, pids, users=users, cycles=cycles, cycle_seconds=cycle_seconds, reading=reading, pause=pause,
             seed=seed, stagger=stagger, clicks=clicks)
    )  # fmt: skip


@dataclass
class UploadOutcome:
    """One upload scored beside another user's ordinary click."""

    outcome: Run | str  # the uploader's run, or "HTTP <status>" when the upload endpoint refused it
    other: Run  # the other user's run, started while the upload was in hand
    seconds: float  # upload to refusal (or result), both users done
    peak_growth: int  # the server process's peak resident memory over its level before, in bytes
    growth: int  # ... and after


async def _sample_peak(pid: int, stop: asyncio.Event, peak: list[int]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], resident_bytes([pid], children=False))
        await asyncio.sleep(0.02)


async def upload_beside_another_user(url: str, pid: int, name: str, data: bytes) -> UploadOutcome:
    """Upload `data` to the fit check and score it while another session scores a sample CV.

    Memory is the server process's own: files are parsed in a child process
    with its own cap, so that is what a hostile file must not grow.
    """
    uploader, other = StreamlitSession(url), StreamlitSession(url)
    await uploader.connect()
    await other.connect()
    before = resident_bytes([pid], children=False)
    peak, stop = [before], asyncio.Event()
    sampler = asyncio.create_task(_sample_peak(pid, stop, peak))

    async def upload() -> Run | str:
        try:
            state = await uploader.upload(name, data)
        except UploadRefused as exc:  # refused by the upload endpoint, before any parser
            return f"HTTP {exc.status}"
        return await uploader.rerun({"cv_file": state}, triggers=("score_cv",))

    async def ordinary() -> Run:
        await asyncio.sleep(0.05)  # click while the upload is in hand
        return await other.rerun({"cv_text": SAMPLES[0].read_text(encoding="utf-8")}, triggers=("score_cv",))

    started = time.perf_counter()
    outcome, served = await asyncio.gather(upload(), ordinary())
    seconds = time.perf_counter() - started
    stop.set()
    await sampler
    after = resident_bytes([pid], children=False)
    await uploader.close()
    await other.close()
    return UploadOutcome(outcome, served, seconds, peak[0] - before, after - before)
