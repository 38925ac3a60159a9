"""The command line's scoring commands: score one CV, rank many (through the one intake), rank a table, evaluate."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..catalogue.model import load_catalogue
from ..catalogue.reference import load_reference_corpus
from ..documents.document import read_path
from ..errors import DocumentError, EvaluationError
from ..present.report import HUMAN_NOTE
from ..present.spreadsheet import csv_writer
from ..scoring.assessment import FLAG_MESSAGES, Assessment
from ..workflows.batch import ScoredItem, collect_paths, score_files
from .opening import load_opening, opening_cells, opening_summary, read_posting_text

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher

__all__ = ["PROG", "run_evaluate", "run_rank", "run_rank_table", "run_score"]

PROG = "hcdev-match"


def _matcher(args: argparse.Namespace) -> Matcher:
    # Imported here: scikit-learn takes a second to import, and `rank`
    # starts its workers before paying for it.
    from ..scoring.matcher import Matcher

    return Matcher.from_paths(args.catalogue, args.reference)


def run_score(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    flags: tuple[str, ...] = ()
    if args.file == "-":
        text = stdin.read()
        if not text.strip():
            raise DocumentError("standard input is empty; pipe the CV text in, or give a file")
    else:
        document = read_path(args.file)
        text, flags = document.text, document.flags
    matcher = _matcher(args)
    opening = load_opening(matcher, args.opening) if args.opening else None
    assessment = matcher.assess(text)
    all_flags = tuple(dict.fromkeys(flags + assessment.flags))
    if args.format == "json":
        data = assessment.to_dict(top_terms=args.top_terms)
        data["flags"] = list(all_flags)
        if opening is not None:
            data["opening"] = opening_summary(matcher, opening, assessment)
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _print_table(assessment, all_flags, out)
        if opening is not None:
            summary = opening_summary(matcher, opening, assessment)
            out.write(f"Opening {summary['title']!r}: fit {summary['fit']:.1f}/100; missing: {summary['missing']}\n")
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


def run_rank(args: argparse.Namespace, out: TextIO) -> int:
    paths = collect_paths(args.paths)
    if not paths:
        raise DocumentError(f"no CV, ZIP or CSV files found in {', '.join(args.paths)}; check the paths")
    if args.workers is not None and args.workers < 1:
        raise DocumentError(f"--workers must be 1 or more, got {args.workers}")
    catalogue = load_catalogue(args.catalogue)
    opener = _matcher(args) if args.opening else None
    opening = load_opening(opener, args.opening) if opener is not None else None
    scored = list(
        score_files(
            paths,
            catalogue=catalogue,
            reference_texts=load_reference_corpus(args.reference),
            workers=args.workers,
            explain=args.format == "json" or opening is not None,  # the opening fit needs the strengths
        )
    )
    for failed in (s.item for s in scored if s.fits is None):
        print(f"{PROG}: skipped {failed.name}: {failed.error}", file=sys.stderr)
    if args.format == "json":
        records = [_record(s, catalogue.version) for s in scored]
        if opener is not None and opening is not None:
            for record, s in zip(records, scored, strict=True):
                if s.assessment is not None:
                    record["opening"] = opening_summary(opener, opening, s.assessment)
        json.dump(records, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        cells = [opening_cells(opener, opening, s.assessment) for s in scored]
        _write_rank_csv(scored, tuple(catalogue.roles), catalogue.version, out, cells)
    failures = sum(1 for s in scored if s.fits is None)
    if failures == len(scored):
        print(f"{PROG}: error: none of the {len(scored)} CVs could be read", file=sys.stderr)
        return 2
    return 1 if failures else 0


def _record(scored: ScoredItem, version: str) -> dict[str, Any]:
    """One CV of ``rank --format json``: its source and fits (the top ten terms of each), or its error."""
    if scored.assessment is None:
        return {"source": scored.item.name, "catalogue_version": version, "error": scored.item.error, "fits": []}
    fits = scored.assessment.to_dict(top_terms=10)["fits"]
    return {"source": scored.item.name, "catalogue_version": version, "flags": list(scored.flags), "fits": fits}


def _write_rank_csv(
    scored: list[ScoredItem], roles: tuple[str, ...], version: str, out: TextIO, cells: list[list[str]]
) -> None:
    writer = csv_writer(out)
    extra = ["opening_fit"] if any(cells) else []  # only with --opening
    writer.writerow(["source", "best_role", "best_fit", *roles, *extra, "flags", "catalogue_version", "error"])
    for s, opening in zip(scored, cells, strict=True):
        if s.fits is None:
            writer.writerow([s.item.name, "", "", *[""] * len(roles), *[""] * len(extra), "", version, s.item.error])
            continue
        fits = s.fits
        best = max(range(len(roles)), key=lambda j: (fits[j], -j))
        writer.writerow(
            [
                s.item.name,
                roles[best],
                f"{fits[best]:.1f}",
                *(f"{f:.1f}" for f in fits),
                *opening,
                ";".join(s.flags),
                version,
                "",
            ]
        )


def run_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from ..scoring.evaluation import FOUND_AT, evaluate_items, load_evaluation_file
    from .opening import run_opening_evaluation

    if args.openings:
        return run_opening_evaluation(_matcher(args), args.openings, args.format, out)
    if not args.file:
        raise EvaluationError("evaluate needs a .jsonl file, or --openings FILE.jsonl; give one")

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


def run_rank_table(args: argparse.Namespace, out: TextIO) -> int:
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise DocumentError(f"{args.output}: the output would overwrite the input; name another file")
    # The posting is read (and refused) before any scoring, and before Spark takes its seconds to start.
    opening_text = read_posting_text(args.opening) if args.opening else None
    if args.engine == "local":
        from ..workflows.archive import rank_table

        rows = rank_table(
            args.input,
            args.output,
            catalogue=load_catalogue(args.catalogue),
            reference_texts=load_reference_corpus(args.reference),
            opening_text=opening_text,
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
            opening_text=opening_text,
        )
    out.write(f"scored {rows} texts into {args.output} ({args.engine} engine)\n")
    return 0
