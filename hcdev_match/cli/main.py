"""The command line: ``python -m hcdev_match COMMAND`` (``--help`` lists them: scoring, accounts, privacy).

Errors print one line on stderr and exit with status 2; no traceback
reaches the user.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from ..catalogue.model import DEFAULT_CATALOGUE_PATH
from ..catalogue.reference import DEFAULT_REFERENCE_DIR
from ..config import DEFAULT_DATABASE
from ..errors import HcdevMatchError
from .fits import PROG, run_evaluate, run_rank, run_rank_table, run_score
from .opening import add_opening_command, add_opening_option, run_opening_command

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block.
        self.exit(2, f"{PROG}: error: {message} (see --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m hcdev_match", description="Match CVs to healthcare software roles.")
    parser.add_argument(
        "--catalogue", default=DEFAULT_CATALOGUE_PATH, help="catalogue TOML file (default: the shipped one)"
    )
    parser.add_argument(
        "--reference", default=DEFAULT_REFERENCE_DIR, help="reference corpus folder (default: the shipped one)"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    score = sub.add_parser("score", help="score one CV (a file, or - for standard input)")
    score.add_argument("file", help="a .txt, .md, .pdf or .docx file, or - to read text from stdin")
    score.add_argument("--format", choices=("table", "json"), default="table")
    score.add_argument("--top-terms", type=int, default=None, help="terms per role in JSON (default: all)")

    rank = sub.add_parser("rank", help="score many CVs (files, ZIPs, id,text CSVs; folders walked) as CSV or JSON")
    rank.add_argument("paths", nargs="+", help="files or folders")
    rank.add_argument("--format", choices=("csv", "json"), default="csv")
    rank.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")

    evaluate = sub.add_parser("evaluate", help="top-1 accuracy and ROC AUC on labelled JSON lines")
    evaluate.add_argument("file", nargs="?", help='a .jsonl file of {"id", "text", "label"} objects')
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.add_argument(
        "--openings", nargs="+", metavar="FILE", help="rank by each labelled posting as an opening (mAP)"
    )
    add_opening_option(score, rank)
    add_opening_command(sub)

    table = sub.add_parser("rank-table", help="score a table of id,text (Parquet or CSV) into one row per text")
    table.add_argument("input", help="a .parquet or .csv table with columns id and text")
    table.add_argument("output", help="where to write the scores: .parquet or .csv")
    table.add_argument("--engine", choices=("local", "spark"), default="local", help="this process, or Spark")
    table.add_argument("--master", default="local[*]", help="Spark master URL (default local[*]: this machine)")
    add_opening_option(table)

    database_help = f"database URL (default: $HCDEV_DATABASE_URL, else {DEFAULT_DATABASE} in this folder)"
    add_user = sub.add_parser("add-user", help="create a recruiter or HR account (password from a prompt or stdin)")
    add_user.add_argument("name")
    add_user.add_argument("--role", choices=("recruiter", "hr"), required=True)
    passwd = sub.add_parser("passwd", help="set a new password for an account (from a prompt or stdin)")
    passwd.add_argument("name")
    unlock = sub.add_parser("unlock", help="lift the sign-in delays that failed sign-ins put on an account")
    unlock.add_argument("name")
    remove_user = sub.add_parser("remove-user", help="remove an account (kept, disabled, if it made decisions)")
    remove_user.add_argument("name")
    purge = sub.add_parser("purge", help="delete assessments past their retention (the audit log keeps metadata)")
    purge.add_argument(
        "--days", type=int, default=None, help="retention in days, 1 or more (default: $HCDEV_RETENTION_DAYS, else 180)"
    )
    erase = sub.add_parser("erase", help="remove everything about one candidate reference")
    erase.add_argument("ref")
    export = sub.add_parser("export", help="print everything kept about one candidate reference, as JSON")
    export.add_argument("ref")
    demo = sub.add_parser("demo", help="fill the database with generated assessments, marked as demo data")
    demo.add_argument("--assessments", type=int, required=True)
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no assessment yet")
    demo.add_argument(
        "--accounts", action="store_true", help="also make demo accounts with random passwords, printed once"
    )
    for command in (add_user, passwd, unlock, remove_user, purge, erase, export, demo):
        command.add_argument("--database", default=None, help=database_help)
    return parser


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the CLI; return the exit status."""
    out = stdout or sys.stdout
    args = _build_parser().parse_args(argv)
    try:
        return _run(args, stdin or sys.stdin, out)
    except HcdevMatchError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. piped into head); nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, ever
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}; please report it", file=sys.stderr)
        return 70


def _run(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    if args.command == "score":
        return run_score(args, stdin, out)
    if args.command == "rank":
        return run_rank(args, out)
    if args.command == "evaluate":
        return run_evaluate(args, out)
    if args.command == "rank-table":
        return run_rank_table(args, out)
    if args.command == "opening":
        return run_opening_command(args, out)
    return _privacy(args, stdin, out)


def _database_url(args: argparse.Namespace) -> str:
    # The CLI is an application: it reads the environment and hands the
    # library a URL; the default is the SQLite file under the working directory.
    from ..storage.database import database_url

    return database_url(args.database or os.environ.get("HCDEV_DATABASE_URL"))


def _privacy(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    from ..storage.store import Store, StoreConfig, utc_now
    from .accounts import read_password, run_account_command, run_demo_command

    store = Store.from_url(_database_url(args), config=StoreConfig(retention_days=_retention_days(args)))
    actor = f"cli:{getpass.getuser()}"
    if args.command == "add-user":
        from ..storage.accounts import add_user

        user = add_user(store, args.name, role=args.role, password=read_password(stdin), actor=actor)
        out.write(f"created {user.role} account {user.name!r}\n")
    elif args.command in ("passwd", "unlock", "remove-user"):
        run_account_command(args, store, stdin, out, actor=actor)
    elif args.command == "demo":
        run_demo_command(args, store, out)
    elif args.command == "purge":
        from ..storage.throttle import close_ended_windows

        removal = store.purge_expired(actor=actor)
        out.write(f"purged {removal.count} expired assessment(s){_scrub_note(removal.scrubbed)}\n")
        close_ended_windows(store, utc_now())  # the rate limits' ended windows (their refusals, their rows)
    elif args.command == "erase":
        removal = store.erase_candidate(args.ref, actor=actor)
        out.write(f"erased {removal.count} assessment(s) of {args.ref}{_scrub_note(removal.scrubbed)}\n")
    else:
        json.dump(store.export_candidate(args.ref, actor=actor), out, indent=2, ensure_ascii=False)
        out.write("\n")
    store.engine.dispose()
    return 0


def _retention_days(args: argparse.Namespace) -> int:
    """--days when given (purge), else $HCDEV_RETENTION_DAYS, else the default; refused unless 1 or more."""
    from ..storage.store import parse_retention_days

    days = getattr(args, "days", None)
    if days is not None:
        return parse_retention_days(str(days), setting="--days")
    return parse_retention_days(os.environ.get("HCDEV_RETENTION_DAYS"), setting="HCDEV_RETENTION_DAYS")


def _scrub_note(scrubbed: bool) -> str:
    if scrubbed:
        return ""
    return (
        "; another connection is still reading, so their old pages stay in the database file until it "
        "ends: run purge again then to remove them"
    )
