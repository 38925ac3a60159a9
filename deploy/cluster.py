"""A throwaway cluster on 127.0.0.1: PostgreSQL, N Streamlit replicas and nginx in front.

    deploy/local-cluster up 2        # prints {"url", "database_url", "replicas": [{"pid", "port"}, ...]}
    deploy/local-cluster down        # stops all of it: no process, no port, no data left
    deploy/local-cluster status      # what is running, as the same JSON

`up` returns once every replica answers /_stcore/health, directly and
through nginx. PostgreSQL comes from Debian's /usr/lib/postgresql/15/bin
(as the `postgres` user when run as root, since it refuses root), nginx is
Debian's, run as the current user with its own prefix, temporary folders
and logs in the state folder (--state, default var/local-cluster), and
deploy/nginx.conf is the template it fills. The replicas run as `make run`
starts the app, with HCDEV_TRUSTED_PROXIES=1 and the cluster's database.
`wait-healthy PORT` is what hcdev-match@.service waits with.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
NGINX = Path("/usr/sbin/nginx")
DEFAULT_STATE = ROOT / "var" / "local-cluster"
DATABASE = "hcdev"
STARTUP_SECONDS = 120.0  # a replica imports pandas, scikit-learn and Altair: slow on a busy 2-core machine
STOP_SECONDS = 20.0

MAIN_CONFIG = """\
# Written by deploy/local-cluster: the frame Debian's /etc/nginx/nginx.conf gives conf.d/, in this folder.
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/hcdev-match.conf;
}}
"""


class ClusterError(Exception):
    """Something the cluster could not do; the message says what to do."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _started(pid: int) -> str | None:
    """The process's start time (from /proc), to tell it from a later process given the same pid."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]  # a zombie is only an exit status left for its parent


def alive(process: dict[str, Any]) -> bool:
    return _started(int(process["pid"])) == process["started"]


def wait_healthy(port: int, *, process: dict[str, Any] | None = None, timeout: float = STARTUP_SECONDS) -> None:
    """Return once http://127.0.0.1:PORT/_stcore/health answers 200; raise if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not alive(process):
            raise ClusterError(f"the process on port {port} exited; see {process.get('log', 'its log')}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise ClusterError(f"nothing healthy on 127.0.0.1:{port} after {timeout:.0f} s")


def render_nginx(*, replicas: list[int], listen: str, access_log: Path, server_name: str = "127.0.0.1") -> str:
    """deploy/nginx.conf with its placeholders filled."""
    servers = "\n    ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in replicas)
    text = TEMPLATE.read_text()
    for name, value in (("REPLICAS", servers), ("LISTEN", listen), ("SERVER_NAME", server_name),
                        ("ACCESS_LOG", str(access_log))):  # fmt: skip
        text = text.replace(f"@{name}@", value)
    return text


class Cluster:
    """The state folder: state.json names every process and folder `up` made, written as each starts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.file = self.folder / "state.json"
        self.state: dict[str, Any] = json.loads(self.file.read_text()) if self.file.exists() else {}

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.state, indent=2))

    def summary(self) -> dict[str, Any]:
        return {
            "url": f"http://127.0.0.1:{self.state['nginx']['port']}/",
            "database_url": self.state["postgres"]["url"],
            "replicas": [{"pid": r["pid"], "port": r["port"]} for r in self.state["replicas"]],
        }

    # -- up --------------------------------------------------------------------

    def up(self, count: int, *, port: int | None = None) -> dict[str, Any]:
        if count < 1:
            raise ClusterError(f"up needs 1 or more replicas, got {count}")
        if self.state:
            raise ClusterError(f"a cluster is already up in {self.folder}; run `deploy/local-cluster down` first")
        for program, package in ((PG_BIN / "initdb", "postgresql"), (NGINX, "nginx")):
            if not program.exists():
                raise ClusterError(f"{program} is missing: apt-get install -y {package} (make test does)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.state = {"replicas": []}
        self.save()
        try:
            url = self._start_postgres()
            env = {**os.environ, "HCDEV_DATABASE_URL": url, "HCDEV_TRUSTED_PROXIES": "1"}
            for _ in range(count):
                self._start_replica(env)
            self._start_nginx(port or free_port())
            for replica in self.state["replicas"]:
                wait_healthy(replica["port"], process=replica)
            wait_healthy(self.state["nginx"]["port"], process=self.state["nginx"])
        except BaseException:
            self.down()
            raise
        return self.summary()

    def _start_postgres(self) -> str:
        # Its own folder under /tmp, owned by the user it runs as (the state folder may not be theirs to enter).
        folder = Path(tempfile.mkdtemp(prefix="hcdev-cluster-pg-"))
        port = free_port()
        self.state["postgres"] = {"folder": str(folder), "port": port, "url": ""}
        self.save()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        _as_postgres("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}"
        _as_postgres("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start")
        import sqlalchemy as sa

        server = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
        admin.dispose()
        url = f"{server}/{DATABASE}"
        # The schema once, before any replica opens the database (two replicas migrating at once would race).
        sys.path.insert(0, str(ROOT))
        from hcdev_match.storage.store import Store

        Store.from_url(url).engine.dispose()
        self.state["postgres"]["url"] = url
        self.save()
        return url

    def _start_replica(self, env: dict[str, str]) -> None:
        port = free_port()
        log = self.folder / f"replica-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
                 "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.headless", "true"],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives `up`, and a Ctrl-C in its terminal
            )  # fmt: skip
        self.state["replicas"].append(
            {"pid": process.pid, "port": port, "started": _started(process.pid), "log": str(log)}
        )
        self.save()

    def _start_nginx(self, port: int) -> None:
        folder = self.folder / "nginx"
        folder.mkdir(exist_ok=True)
        ports = [r["port"] for r in self.state["replicas"]]
        conf = render_nginx(replicas=ports, listen=f"127.0.0.1:{port}", access_log=folder / "access.log")
        (folder / "hcdev-match.conf").write_text(conf)
        # nginx started by root runs its workers as `nobody` unless told: keep them the current user's.
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(MAIN_CONFIG.format(folder=folder, user=user))
        command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise ClusterError(f"nginx did not start: {done.stderr.strip()}")
        pid = int((folder / "nginx.pid").read_text())
        self.state["nginx"] = {"pid": pid, "port": port, "started": _started(pid), "log": str(folder / "error.log")}
        self.save()

    # -- down ------------------------------------------------------------------

    def down(self) -> None:
        """Stop everything this state names (whatever already died), then check no process and no port is left."""
        processes = [*self.state.get("replicas", []), *([self.state["nginx"]] if "nginx" in self.state else [])]
        for process in processes:
            if alive(process):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process["pid"], signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while any(alive(p) for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        for process in processes:
            if alive(process):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process["pid"], signal.SIGKILL)
        postgres = self.state.get("postgres")
        if postgres:
            data = Path(postgres["folder"]) / "data"
            if (data / "postmaster.pid").exists():
                _as_postgres("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
            shutil.rmtree(postgres["folder"], ignore_errors=True)
        ports = [p["port"] for p in processes] + ([postgres["port"]] if postgres else [])
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline and (any(alive(p) for p in processes) or any(map(port_open, ports))):
            time.sleep(0.1)
        left = [str(p["pid"]) for p in processes if alive(p)] + [str(p) for p in ports if port_open(p)]
        if left:
            raise ClusterError(f"still running after down: {', '.join(left)}; state kept in {self.file}")
        self.file.unlink(missing_ok=True)
        self.state = {}


def _as_postgres(program: str, *args: str) -> None:
    """Run a PostgreSQL program, as the `postgres` user when we are root (PostgreSQL refuses root)."""
    owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run([*owner, str(PG_BIN / program), *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ClusterError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/local-cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="state folder (default var/local-cluster)")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start PostgreSQL, N replicas and nginx; print the cluster as JSON")
    up.add_argument("replicas", type=int)
    up.add_argument("--port", type=int, default=None, help="nginx's port on 127.0.0.1 (default: a free one)")
    sub.add_parser("down", help="stop everything `up` started")
    sub.add_parser("status", help="print the running cluster as JSON")
    healthy = sub.add_parser("wait-healthy", help="wait until a replica on 127.0.0.1:PORT answers its health check")
    healthy.add_argument("port", type=int)
    args = parser.parse_args(argv)
    try:
        if args.command == "wait-healthy":
            wait_healthy(args.port)
            return 0
        cluster = Cluster(args.state)
        if args.command == "up":
            print(json.dumps(cluster.up(args.replicas, port=args.port)), flush=True)
        elif args.command == "down":
            cluster.down()
        elif not cluster.state:
            raise ClusterError(f"no cluster is up in {cluster.folder}")
        else:
            print(json.dumps(cluster.summary()))
    except ClusterError as exc:
        print(f"local-cluster: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
