"""Downloadable reports of a fit check: CSV for spreadsheets, Markdown for people."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..scoring.assessment import FLAG_MESSAGES
from .spreadsheet import csv_writer

if TYPE_CHECKING:  # only a type here: importing it would load the model (scikit-learn)
    from ..workflows.fitcheck import FitCheck

__all__ = ["HUMAN_NOTE", "escape_markdown", "format_csv", "format_markdown"]

#: What every scoring screen, report and command says: a person decides, not the fit.
HUMAN_NOTE = (
    "A person decides. The fit shows how much of each role's skill profile the text evidences, not a "
    "person's worth; it assists a recruiter or a candidate and is never a hiring decision on its own."
)


def format_csv(check: FitCheck) -> str:
    """One row per role: fit, band, coverage, matched and missing skills."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["role", "label", "fit", "band", "matched_skills", "missing_must_have", "missing_nice_to_have",
         "flags", "catalogue_version"]
    )  # fmt: skip
    for fit in check.assessment.fits:
        writer.writerow(
            [
                fit.role,
                fit.label,
                f"{fit.fit:.1f}",
                fit.band,
                ";".join(m.skill for m in fit.matched),
                ";".join(fit.missing.get("must_have", ())),
                ";".join(fit.missing.get("nice_to_have", ())),
                ";".join(check.flags),
                check.assessment.catalogue_version,
            ]
        )
    return out.getvalue()


def format_markdown(check: FitCheck, *, skill_labels: dict[str, str] | None = None) -> str:
    """A readable report: fits, the best role explained, the gaps, the flags."""
    labels = skill_labels or {}
    a = check.assessment
    best = check.best
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Fit check report",
        "",
        f"- Source: {_plain(check.source)}",
        f"- Created: {when}; catalogue version {a.catalogue_version}",
        f"- Best fit: **{best.label}**, {best.fit:.0f} of 100 ({best.band})",
        f"- Closest next role: {check.next_role.label}, {check.next_role.fit:.0f} of 100",
        "",
        f"> {HUMAN_NOTE}",
        "",
    ]
    if check.flags:
        lines += ["## Warnings", ""] + [f"- {FLAG_MESSAGES.get(f, f)}" for f in check.flags] + [""]
    lines += ["## Fit to each role", "", "| role | fit | band |", "|---|---:|---|"]
    lines += [f"| {f.label} | {f.fit:.1f} | {f.band} |" for f in a.fits]
    lines += ["", f"## Why {best.label}", "", "| skill | tier | where the text shows it |", "|---|---|---|"]
    for match in best.matched:
        lines.append(f"| {match.label} | {match.tier.replace('_', '-')} | {_plain(match.snippet)} |")
    missing = best.missing.get("must_have", ())
    lines += ["", "Missing must-have skills: " + (", ".join(labels.get(s, s) for s in missing) or "none"), ""]
    lines += ["Terms that carried the fit (points add up to the fit):", ""]
    lines += [f"- {t.label}: {t.contribution:.1f}" for t in best.terms[:10]]
    for role, advice in check.advice.items():
        if advice:
            lines += ["", f"## What would raise the fit for {a.fit_of(role).label}", ""]
            lines += [f"- experience of {g.label}: about +{g.gain:.0f} points" for g in advice]
    return "\n".join(lines) + "\n"


# GitHub-flavoured Markdown (Streamlit's) links bare URLs, www. names and e-mail addresses found in the
# text after parsing, so a backslash cannot stop it; an invisible word joiner inside each does.
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Text from a CV or a file name, made inert for any Markdown renderer: no markup, no math, no links."""
    escaped = text.replace("\\", "\\\\")
    for char in "`*_[]()<>#!|{}~$":
        escaped = escaped.replace(char, "\\" + char)
    return _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER if m.group(0) else _WORD_JOINER, escaped)


def _plain(text: str) -> str:
    """CV text in a Markdown table cell: no markup, no line breaks, no pipes."""
    return escape_markdown(" ".join(text.split()))
