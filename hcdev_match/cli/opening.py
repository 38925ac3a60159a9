"""The command line's openings: ``opening FILE``, ``score/rank --opening FILE``, ``evaluate --openings FILE``.

Kept apart from cli/main.py, which only adds the arguments and hands over.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..documents.document import read_path
from ..errors import DocumentError

if TYPE_CHECKING:
    from ..scoring.assessment import Assessment
    from ..scoring.matcher import Matcher
    from ..scoring.opening_model import Opening

__all__ = [
    "add_opening_command",
    "add_opening_option",
    "load_opening",
    "opening_cells",
    "opening_summary",
    "print_opening",
    "read_posting_text",
    "run_opening_command",
    "run_opening_evaluation",
]

OPENING_HELP = "a job posting (.txt, .md, .pdf or .docx): add each result's fit to it"


def add_opening_option(*parsers: argparse.ArgumentParser) -> None:
    """``--opening FILE`` on ``score`` and ``rank``."""
    for parser in parsers:
        parser.add_argument("--opening", default=None, metavar="FILE", help=OPENING_HELP)


def add_opening_command(sub: Any) -> None:
    """The ``opening FILE`` command: print the profile a posting gives."""
    command = sub.add_parser("opening", help="print the opening profile a job posting gives")
    command.add_argument("file", help="a .txt, .md, .pdf or .docx job posting")
    command.add_argument("--format", choices=("text", "json"), default="text")


def load_opening(matcher: Matcher, path: str) -> Opening:
    """A posting file read through the safe intake (documents), as an opening; refused when it gives
    no profile to fit (every fit would be 0)."""
    from ..scoring.opening import build_opening, usable_opening

    opening = build_opening(matcher, read_posting_text(path))
    try:
        return usable_opening(opening)
    except DocumentError as exc:
        raise DocumentError(f"the job posting given with --opening was refused: {exc}") from exc


def read_posting_text(path: str, *, given: str = "with --opening") -> str:
    """The text of the ``--opening`` file (or ``opening FILE``'s), read through the safe intake; refused
    naming how it was given."""
    from ..scoring.opening import posting_text

    try:
        return posting_text(read_path(path))
    except DocumentError as exc:
        raise DocumentError(f"the job posting given {given} was refused: {exc}") from exc


def opening_cells(matcher: Matcher | None, opening: Opening | None, assessment: Assessment | None) -> list[str]:
    """The ``opening_fit`` CSV cell of one CV (none without ``--opening``; empty for a CV not read)."""
    if matcher is None or opening is None:
        return []
    return [f"{opening_summary(matcher, opening, assessment)['fit']:.1f}"] if assessment is not None else [""]


def opening_summary(matcher: Matcher, opening: Opening, assessment: Assessment) -> dict[str, Any]:
    """``{"title", "fit", "matched", "missing"}`` of one assessed text (skill ids; missing required first)."""
    from ..scoring.opening import explain_opening

    return explain_opening(matcher, opening, assessment, snippets=False).summary()


def run_opening_command(args: argparse.Namespace, out: TextIO) -> int:
    """``opening FILE``: the profile a posting gives (an empty one too: it shows what was not found)."""
    from ..scoring.matcher import Matcher
    from ..scoring.opening import build_opening

    matcher = Matcher.from_paths(args.catalogue, args.reference)
    opening = build_opening(matcher, read_posting_text(args.file, given="to the opening command"))
    if args.format == "json":
        json.dump(opening.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        print_opening(matcher, opening, out)
    return 0


def print_opening(matcher: Matcher, opening: Opening, out: TextIO) -> None:
    def labels(ids: tuple[str, ...]) -> str:
        return ", ".join(f"{matcher.label_of(i)} ({i})" for i in ids) or "none found"

    out.write(f"Opening: {opening.title}\n")
    out.write(f"Required: {labels(opening.required)}\n")
    out.write(f"Preferred: {labels(opening.preferred)}\n")
    out.write(f"Healthcare context: {', '.join(matcher.label_of(t) for t in opening.context) or 'none named'}\n")
    closest = ", ".join(f"{matcher.catalogue.roles[r].label} ({r}) {share:.0%}" for r, share in opening.closest)
    out.write(f"Closest roles (share of the role's profile the posting names): {closest}\n")
    out.write(f"Not matched automatically (read them yourself): {', '.join(opening.not_matched) or 'none'}\n")
    out.write(f"Boilerplate left out: {opening.ignored_words} words\n")


def run_opening_evaluation(matcher: Matcher, paths: list[str], fmt: str, out: TextIO) -> int:
    """``evaluate --openings FILE...``: the texts of all the files ranked together."""
    from ..scoring.opening_evaluation import evaluate_openings, load_opening_texts

    texts = [t for path in paths for t in load_opening_texts(Path(path), roles=matcher.roles)]
    report = evaluate_openings(matcher, texts)
    if fmt == "json":
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
        return 0
    out.write(f"openings: {report.openings} role-labelled postings, each ranking the other {report.texts - 1} texts\n")
    out.write(
        f"mAP of same-label texts: by opening fit {_shown(report.opening_map)}, "
        f"by the best role's fit {_shown(report.role_map)}\n"
    )
    out.write(
        f"CVs only: by opening fit {_shown(report.opening_map_cvs)}, "
        f"by the best role's fit {_shown(report.role_map_cvs)}\n"
    )
    return 0


def _shown(value: float | None) -> str:
    return "not measured (no text shares a posting's label; add some)" if value is None else f"{value:.3f}"
