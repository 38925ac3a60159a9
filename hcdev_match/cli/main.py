"""The command line: ``python -m hcdev_match COMMAND`` (``--help`` lists them: scoring, tables, accounts, privacy, demo).

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
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ..catalogue.model import DEFAULT_CATALOGUE_PATH, load_catalogue
from ..catalogue.reference import DEFAULT_REFERENCE_DIR, load_reference_corpus
from ..config import DEFAULT_DATABASE
from ..documents.document import read_path
from ..errors import DocumentError, HcdevMatchError
from ..present.report import HUMAN_NOTE
from ..present.spreadsheet import csv_writer
from ..scoring.assessment import FLAG_MESSAGES, Assessment
from ..workflows.batch import collect_paths, score_files

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher

__all__ = ["main"]

PROG = "hcdev-match"


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

    rank = sub.add_parser("rank", help="score many CV files (folders are walked) and print CSV or JSON")
    rank.add_argument("paths", nargs="+", help="files or folders")
    rank.add_argument("--format", choices=("csv", "json"), default="csv")
    rank.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")

    evaluate = sub.add_parser("evaluate", help="top-1 accuracy and ROC AUC on labelled JSON lines")
    evaluate.add_argument("file", help='a .jsonl file of {"id", "text", "label"} objects')
    evaluate.add_argument("--format", choices=("text", "json"), default="text")

    table = sub.add_parser("rank-table", help="score a table of id,text (Parquet or CSV) into one row per text")
    table.add_argument("input", help="a .parquet or .csv table with columns id and text")
    table.add_argument("output", help="where to write the scores: .parquet or .csv")
    table.add_argument("--engine", choices=("local", "spark"), default="local", help="this process, or Spark")
    table.add_argument("--master", default="local[*]", help="Spark master URL (default local[*]: this machine)")

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
        return _score(args, stdin, out)
    if args.command == "rank":
        return _rank(args, out)
    if args.command == "evaluate":
        return _evaluate(args, out)
    if args.command == "rank-table":
        return _rank_table(args, out)
    return _privacy(args, stdin, out)


def _database_url(args: argparse.Namespace) -> str:
    # The CLI is an application: it reads the environment and hands the
    # library a URL; the default is the SQLite file under the working directory.
    from ..storage.database import database_url

    return database_url(args.database or os.environ.get("HCDEV_DATABASE_URL"))


def _privacy(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    from ..storage.store import Store, StoreConfig
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
        removal = store.purge_expired(actor=actor)
        out.write(f"purged {removal.count} expired assessment(s){_scrub_note(removal.scrubbed)}\n")
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


def _matcher(args: argparse.Namespace) -> Matcher:
    # Imported here: scikit-learn takes a second to import, and `rank`
    # starts its workers before paying for it.
    from ..scoring.matcher import Matcher

    return Matcher.from_paths(args.catalogue, args.reference)


def _score(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    flags: tuple[str, ...] = ()
    if args.file == "-":
        text = stdin.read()
        if not text.strip():
            raise DocumentError("standard input is empty; pipe the CV text in, or give a file")
    else:
        document = read_path(args.file)
        text, flags = document.text, document.flags
    matcher = _matcher(args)
    assessment = matcher.assess(text)
    all_flags = tuple(dict.fromkeys(flags + assessment.flags))
    if args.format == "json":
        data = assessment.to_dict(top_terms=args.top_terms)
        data["flags"] = list(all_flags)
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _print_table(assessment, all_flags, out)
    return 0


def _print_table(assessment: Assessment, flags: tuple[str, ...], out: TextIO) -> None:
    best = assessment.best
    out.write(f"Best fit: {best.label} ({best.role}) {best.fit:.1f}/100, {best.band}\n")
    d = assessment.domain
    out.write(
        f"Healthcare software evidence: software {d.software:.2f} x healthcare {d.healthcare:.2f}"
        f" x focus {d.focus:.2f} = {d.factor:.2f}; catalogue {assessment.catalogue_version}\n"
    )
    for flag in flags:
        out.write(f"Warning: {FLAG_MESSAGES.get(flag, flag)}\n")
    out.write("\n")
    rows = [("role", "fit", "band", "must-haves", "terms that carried the fit")]
    for fit in assessment.fits:
        must = [m for m in fit.matched if m.tier == "must_have"]
        total_must = len(must) + len(fit.missing.get("must_have", ()))
        terms = ", ".join(f"{t.label} {t.contribution:.1f}" for t in fit.terms[:4])
        rows.append((fit.role, f"{fit.fit:.1f}", fit.band, f"{len(must)}/{total_must}", terms))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].rjust(widths[3]),
        ]
        out.write("  ".join(cells + [row[4]]).rstrip() + "\n")
    out.write(f"\n{HUMAN_NOTE}\n")


def _rank(args: argparse.Namespace, out: TextIO) -> int:
    paths = collect_paths(args.paths)
    if not paths:
        raise DocumentError(f"no .txt, .md, .pdf or .docx files found in {', '.join(args.paths)}; check the paths")
    if args.workers is not None and args.workers < 1:
        raise DocumentError(f"--workers must be 1 or more, got {args.workers}")
    failed = 0
    catalogue = load_catalogue(args.catalogue)
    items = score_files(
        paths,
        catalogue=catalogue,
        reference_texts=load_reference_corpus(args.reference),
        workers=args.workers,
        explain=args.format == "json",
    )
    if args.format == "json":
        records: list[dict[str, Any]] = []
        for item in items:
            if item.error:
                failed += 1
                print(f"{PROG}: skipped {item.error}", file=sys.stderr)
                records.append(
                    {"source": item.source, "catalogue_version": catalogue.version, "error": item.error, "fits": []}
                )
                continue
            assert item.assessment is not None
            data = item.assessment.to_dict(top_terms=10)
            records.append(
                {
                    "source": item.source,
                    "catalogue_version": catalogue.version,
                    "flags": list(item.flags),
                    "fits": data["fits"],
                }
            )
        json.dump(records, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        roles = tuple(catalogue.roles)
        writer = csv_writer(out)
        writer.writerow(["source", "best_role", "best_fit", *roles, "flags", "catalogue_version", "error"])
        for item in items:
            if item.error or item.fits is None:
                failed += 1
                print(f"{PROG}: skipped {item.error}", file=sys.stderr)
                writer.writerow([item.source, "", "", *[""] * len(roles), "", catalogue.version, item.error])
                continue
            best = max(range(len(roles)), key=lambda j: (item.fits[j], -j))  # type: ignore[index]
            writer.writerow(
                [
                    item.source,
                    roles[best],
                    f"{item.fits[best]:.1f}",
                    *(f"{f:.1f}" for f in item.fits),
                    ";".join(item.flags),
                    catalogue.version,
                    "",
                ]
            )
    if failed == len(paths):
        print(f"{PROG}: error: none of the {len(paths)} files could be read", file=sys.stderr)
        return 2
    return 1 if failed else 0


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from ..scoring.evaluation import FOUND_AT, evaluate_items, load_evaluation_file

    matcher = _matcher(args)
    items = load_evaluation_file(Path(args.file), roles=matcher.roles)
    report = evaluate_items(matcher, items)
    if args.format == "json":
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
        return 0
    auc = "n/a (needs both labelled and none items)" if report.auc is None else f"{report.auc:.3f}"
    out.write(
        f"items: {report.items} ({report.labelled} labelled with a role, {report.items - report.labelled} none)\n"
    )
    out.write(
        f"top-1 accuracy over labelled roles: {report.top1:.3f} (strict, no alternatives: {report.top1_strict:.3f})\n"
    )
    out.write(f"ROC AUC of the best fit, labelled vs none: {auc}\n")
    low, high = FOUND_AT
    median = "n/a" if report.own_median is None else f"{report.own_median:.1f}"
    out.write(
        f"own-role fit >= {low}: {report.own_share(low):.3f}; >= {high}: {report.own_share(high):.3f}; "
        f"median {median}\n"
    )
    out.write(f"none texts with a best fit >= {low}: {report.none_share(low):.3f}\n")
    rates = ", ".join(f"{k} {v:.3f}" for k, v in sorted(report.flag_rates.items())) or "none raised"
    out.write(f"share of texts raising each flag: {rates}\n")
    for row in report.misses:
        top = ", ".join(f"{role} {fit:.0f}" for role, fit in row["top3"])
        out.write(f"miss: {row['id']} ({row['label']}): {top}\n")
    return 0


def _rank_table(args: argparse.Namespace, out: TextIO) -> int:
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise DocumentError(f"{args.output}: the output would overwrite the input; name another file")
    if args.engine == "local":
        from ..workflows.archive import rank_table

        rows = rank_table(
            args.input,
            args.output,
            catalogue=load_catalogue(args.catalogue),
            reference_texts=load_reference_corpus(args.reference),
        )
    else:
        from ..workflows.archive_spark import SparkConfig, rank_table_spark

        # PySpark starts its Python workers with $PYSPARK_PYTHON: this interpreter (and its
        # libraries) unless the environment names another, as a cluster's may.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = SparkConfig(master=args.master)
        if spark.local:
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        rows = rank_table_spark(
            args.input,
            args.output,
            catalogue=load_catalogue(args.catalogue),
            reference_texts=load_reference_corpus(args.reference),
            spark=spark,
        )
    out.write(f"scored {rows} texts into {args.output} ({args.engine} engine)\n")
    return 0
