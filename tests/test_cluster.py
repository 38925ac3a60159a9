"""Two replicas behind nginx on PostgreSQL, as `deploy/local-cluster up 2` starts them: real processes.

Recruiters sign in, upload and save through the proxy, and the rows are in
PostgreSQL; the proxy keeps each session (websocket and uploads) on one
replica, which nginx's own access log shows; a replica killed with SIGKILL
costs the sessions on it their state but nothing that was reported saved,
new sessions are served by the other, a tab that was on it reconnects to
the live one (its uploads follow); `down` leaves no process and no port.
Every wait is on a condition (a run finishing, a log line), never a time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import LEGAL_BASES, Store

from .conftest import ROOT, SAMPLES
from .streamlit_client import Run, StreamlitSession

LOCAL_CLUSTER = ROOT / "deploy" / "local-cluster"
PASSWORD = "correct horse battery"
BATCH = ("ehr_1", "cds_1", "device_1")
BASIS = f"contract: {LEGAL_BASES['contract']}"  # a radio's state is its option's label

for program, package in (("/usr/sbin/nginx", "nginx"), ("/usr/lib/postgresql/15/bin/initdb", "postgresql")):
    if not Path(program).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{program} is missing: `make test` installs Debian's {package} package")
        pytest.skip(f"{program} not installed (apt-get install -y {package})", allow_module_level=True)


def local_cluster(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LOCAL_CLUSTER), "--state", str(state), *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    state = tmp_path_factory.mktemp("cluster")
    done = local_cluster(state, "up", "2")
    assert done.returncode == 0, done.stderr
    info: dict[str, Any] = json.loads(done.stdout)  # one JSON object, nothing else on stdout
    info["state"] = state
    store = Store.from_url(info["database_url"])
    add_user(store, "ana", role="recruiter", password=PASSWORD)
    store.engine.dispose()
    try:
        yield info
    finally:
        local_cluster(state, "down")


def route_of(tab: StreamlitSession) -> str:
    return next(c.value for c in tab.cookies if c.name == "hcdev_route") or ""


def upstreams(cluster: dict[str, Any], route: str) -> list[str]:
    """The replicas nginx passed this route's requests to, from its access log, in order (retries included)."""
    log = (cluster["state"] / "nginx" / "access.log").read_text()
    lines = [line for line in log.splitlines() if f" route={route} " in line]
    return [port for line in lines for port in re.findall(r"127\.0\.0\.1:(\d+)", line.split(" upstream=")[1])]


def texts(run: Run) -> str:
    return " ".join(text for _, text in run.elements)


async def signed_in_tab(url: str, *, cookies: Any = None, session_id: str | None = None) -> StreamlitSession:
    tab = StreamlitSession(url, cookies=cookies, timeout=120)
    await tab.connect(session_id=session_id)
    await tab.open_page("Recruiter")
    run = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
    assert "Signed in as ana (recruiter)." in texts(run), run.elements
    return tab


_uploads = itertools.count(1)


async def rank_batch(tab: StreamlitSession) -> list[Any]:
    """Upload a batch of CVs nobody uploaded before (PUTs on their own connections, as a browser sends them)
    and rank it. The page reopens a batch of the very same CVs instead of saving it twice, so each call
    adds a line of its own to each sample."""
    serial = next(_uploads)
    texts = {n: (SAMPLES / f"{n}.txt").read_text(encoding="utf-8") + f"\nReference {serial}-{n}\n" for n in BATCH}
    files = [await tab.upload(f"{n}.txt", text.encode(), mime="text/plain") for n, text in texts.items()]
    run = await tab.rerun({"batch_files": files}, triggers=("rank_batch",))
    assert "save_batch" in tab.widget_ids and not run.errors, texts(run)
    return files


async def save_batch(tab: StreamlitSession, files: list[Any]) -> bool:
    """Click save; True when the page reported the batch saved."""
    run = await tab.rerun({"batch_files": files, "legal_basis": BASIS}, triggers=("save_batch",))
    return f"{len(BATCH)} assessments are saved" in " ".join(run.texts("alert"))


def batch_sizes(database_url: str) -> dict[str, int]:
    """Rows per save, read with plain SQL (not our store).

    A save is its batch id and its time: the page names a batch by the second it was ranked in, which
    two recruiters on two replicas can share; the store stamps one time on all the rows of a save.
    """
    engine = sa.create_engine(database_url)
    query = "SELECT batch, created_at, count(*) FROM assessments GROUP BY batch, created_at"
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query)).all()
    engine.dispose()
    return {f"{batch} {created_at.isoformat()}": int(count) for batch, created_at, count in rows}


async def tabs_on_both_replicas(cluster: dict[str, Any], *, most: int = 40) -> list[StreamlitSession]:
    """Signed-in tabs, opened until each replica holds at least two (a bound on tabs, not on time)."""
    ports = {str(r["port"]) for r in cluster["replicas"]}
    tabs: list[StreamlitSession] = []
    while len(tabs) < most:
        tabs.append(await signed_in_tab(cluster["url"]))
        held = [upstreams(cluster, route_of(t))[0] for t in tabs]
        if all(held.count(port) >= 2 for port in ports):
            return tabs
    raise AssertionError(f"{most} new sessions never reached both replicas: {held}")


def test_recruiters_save_batches_through_nginx_each_session_staying_on_one_replica(cluster) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> list[str]:
        tabs = await tabs_on_both_replicas(cluster)
        saved = []
        for tab in tabs:
            files = await rank_batch(tab)  # an upload that reached another replica would be refused there
            assert await save_batch(tab, files)
            saved.append(route_of(tab))
            await tab.close()
        return saved

    routes = asyncio.run(scenario())
    sizes = batch_sizes(cluster["database_url"])
    assert sorted(sizes.values()) == [len(BATCH)] * len(routes)  # every reported save is in PostgreSQL, whole
    held = {}
    for route in routes:
        # Health check, websocket and every upload PUT of a tab: all on one replica.
        assert len(set(upstreams(cluster, route))) == 1, upstreams(cluster, route)
        held[route] = upstreams(cluster, route)[0]
    assert set(held.values()) == {str(r["port"]) for r in cluster["replicas"]}


def test_a_replica_killed_loses_nothing_saved_and_its_tabs_and_new_sessions_go_to_the_other(cluster) -> None:  # type: ignore[no-untyped-def]
    victim, survivor = cluster["replicas"]
    before = batch_sizes(cluster["database_url"])

    async def scenario() -> tuple[list[bool], dict[str, bool], list[StreamlitSession]]:
        tabs = await tabs_on_both_replicas(cluster)
        batches = [await rank_batch(tab) for tab in tabs]
        # Every tab clicks save at once; the victim dies as the clicks are in flight.
        clicks = [asyncio.create_task(save_batch(tab, files)) for tab, files in zip(tabs, batches, strict=True)]
        await asyncio.sleep(0)  # the clicks are sent before the kill
        os.kill(victim["pid"], signal.SIGKILL)
        outcomes = await asyncio.gather(*clicks, return_exceptions=True)
        reported = [outcome is True for outcome in outcomes]
        on_victim = {route_of(t): upstreams(cluster, route_of(t))[0] == str(victim["port"]) for t in tabs}
        for tab in tabs:
            await tab.close()  # the tabs keep their cookies and session ids, for the reconnect
        return reported, on_victim, tabs

    reported, on_victim, tabs = asyncio.run(scenario())
    assert any(on_victim.values()) and not all(on_victim.values())
    for tab, was_on_victim, saved in zip(tabs, on_victim.values(), reported, strict=True):
        if not was_on_victim:
            assert saved, f"a save on the live replica was not reported: {route_of(tab)}"
    sizes = batch_sizes(cluster["database_url"])
    new = {batch: n for batch, n in sizes.items() if batch not in before}
    assert set(new.values()) <= {len(BATCH)}  # a batch is there whole or not at all
    assert len(new) >= sum(reported)  # nothing that was reported saved is lost

    async def after_the_kill() -> None:
        # The tabs that were on the dead replica reconnect, as the frontend does (same cookies, same
        # session id): the live replica gives each a new session, signed out, and its uploads follow it.
        for tab in (t for t in tabs if on_victim[route_of(t)]):
            again = await signed_in_tab(cluster["url"], cookies=tab.cookies, session_id=tab.session_id)
            assert again.session_id != tab.session_id  # not the dead replica's session
            assert await save_batch(again, await rank_batch(again))
            assert upstreams(cluster, route_of(again))[-1] == str(survivor["port"])
            await again.close()
        # New sessions, whichever replica their route maps to, are all served by the survivor.
        for _ in range(6):
            tab = await signed_in_tab(cluster["url"])
            assert await save_batch(tab, await rank_batch(tab))
            assert upstreams(cluster, route_of(tab))[-1] == str(survivor["port"])
            await tab.close()

    asyncio.run(after_the_kill())
    assert len(batch_sizes(cluster["database_url"])) == len(sizes) + sum(on_victim.values()) + 6


def test_down_leaves_no_process_and_no_port(cluster) -> None:  # type: ignore[no-untyped-def]
    state = cluster["state"]
    nginx = json.loads((state / "state.json").read_text())["nginx"]
    postgres = json.loads((state / "state.json").read_text())["postgres"]
    master = int(nginx["pid"])
    pids = [master, *map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split())]
    pids.append(int((Path(postgres["folder"]) / "data" / "postmaster.pid").read_text().split()[0]))
    pids += [r["pid"] for r in cluster["replicas"]]
    ports = [nginx["port"], postgres["port"], *(r["port"] for r in cluster["replicas"])]
    assert any(running(pid) for pid in pids)
    done = local_cluster(state, "down")
    assert done.returncode == 0, done.stderr
    assert [pid for pid in pids if running(pid)] == []
    assert [port for port in ports if listening(port)] == []
    assert not Path(postgres["folder"]).exists() and not (state / "state.json").exists()


def running(pid: int) -> bool:
    """A process that exists and is not a zombie (an exit status waiting for its parent holds nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
