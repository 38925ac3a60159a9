"""Working a ranked batch: filters, a pending decision to confirm, side-by-side rows and the exports.

All of it is plain data over the ranking's table (``Ranking.table``) and
the decisions read from the store; the page only draws it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..config import FIT_BANDS, band_of
from ..errors import HcdevMatchError
from .ranking import ranking_csv

__all__ = [
    "BAND_NAMES",
    "DETAIL_COLUMNS",
    "KEY_COLUMNS",
    "UNDECIDED",
    "DecisionError",
    "PendingDecision",
    "compare_frame",
    "export_csv",
    "filter_table",
    "plan_decision",
    "ranked_table",
    "unblind_csv",
]

UNDECIDED = "undecided"
BAND_NAMES: tuple[str, ...] = tuple(name for _, name, _ in FIT_BANDS)
#: The table's columns, the ones a recruiter must see first (at 1280 px) leading.
KEY_COLUMNS: tuple[str, ...] = ("candidate", "opening fit", "band", "decision", "best role", "flags")
DETAIL_COLUMNS: tuple[str, ...] = ("best fit", "must-haves shown", "missing must-haves", "required shown", "duplicates")


class DecisionError(HcdevMatchError):
    """A decision that cannot be recorded as asked (no reason, nothing selected, not saved)."""


@dataclass(frozen=True)
class PendingDecision:
    """A decision the recruiter asked for and has yet to confirm."""

    codes: tuple[str, ...]
    decision: str
    reason: str
    scope: str  # "one" (the form of one candidate) or "bulk"

    def who(self) -> str:
        """Whom the decision is for, as the confirmation names them."""
        return self.codes[0] if len(self.codes) == 1 else f"{len(self.codes)} candidates ({', '.join(self.codes)})"


def plan_decision(
    codes: Sequence[str], decision: str | None, reason: str, *, saved: Mapping[str, int], scope: str
) -> PendingDecision:
    """Check a decision before it is confirmed; the message says what is missing."""
    if not codes:
        raise DecisionError("select the candidates the decision is for first")
    if unsaved := [c for c in codes if c not in saved]:
        raise DecisionError(f"save the batch first: {', '.join(unsaved)} has no saved assessment to decide on")
    if decision is None:
        raise DecisionError("choose the decision (shortlist, hold or reject) first")
    if not reason.strip():
        raise DecisionError("write the reason for the decision first; it is recorded with your name")
    return PendingDecision(tuple(codes), decision, reason.strip(), scope)


def ranked_table(
    table: pd.DataFrame, *, decided: Mapping[str, str], duplicates: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """The ranking's table with each row's band, current decision and duplicate uploads."""
    if table.empty:
        return table.assign(band=[], decision=[], duplicates=[])
    return table.assign(
        band=[band_of(f) for f in table["opening fit"]],
        decision=[decided.get(c, UNDECIDED) for c in table["candidate"]],
        duplicates=[len(duplicates.get(c, ())) for c in table["candidate"]],
    )


def filter_table(
    table: pd.DataFrame, *, bands: Sequence[str] = (), flags: Sequence[str] = (), decisions: Sequence[str] = ()
) -> pd.DataFrame:
    """Rows in any of ``bands``, showing any of ``flags`` and with any of ``decisions`` (empty: no filter)."""
    keep = pd.Series(True, index=table.index)
    if bands:
        keep &= table["band"].isin(bands)
    if decisions:
        keep &= table["decision"].isin(decisions)
    if flags:
        shown = table["flags"].fillna("").str.split(", ")
        keep &= shown.map(lambda row: bool(set(row) & set(flags)))
    return table[keep].reset_index(drop=True)


def compare_frame(table: pd.DataFrame, codes: Sequence[str], *, role_labels: Mapping[str, str]) -> pd.DataFrame:
    """Two or three candidates side by side: one column each, one row per role fit and key fact."""
    rows = table.set_index("candidate").loc[list(codes)]
    facts = {f"fit: {label}": rows[role] for role, label in role_labels.items()}
    for column in ("opening fit", "band", "decision", "must-haves shown", "missing must-haves", "flags"):
        facts[column] = rows[column]
    return pd.DataFrame(facts).T.astype(str)


def export_csv(
    table: pd.DataFrame,
    *,
    role_labels: Mapping[str, str],
    blind: bool,
    reasons: Mapping[str, str],
    refs: Mapping[str, str],
    context: Mapping[str, str],
) -> str:
    """The ranking as CSV with every role's fit; under blind review without file names."""
    columns = [c for c in (*KEY_COLUMNS, *DETAIL_COLUMNS) if c in table.columns]
    if not blind:
        columns.insert(1, "source")
    frame = table[columns].rename(columns={"duplicates": "duplicate uploads"})
    frame = frame.assign(
        **{f"fit: {label}": table[role] for role, label in role_labels.items()},
        **{"decision reason": [reasons.get(c, "") for c in table["candidate"]]},
        candidate_ref=[refs.get(c, "") for c in table["candidate"]],
    )
    return ranking_csv(frame, context=context)


def unblind_csv(
    codes: Sequence[str],
    *,
    sources: Mapping[str, str],
    duplicates: Mapping[str, Sequence[str]],
    decided: Mapping[str, str],
) -> str:
    """The key from codes to files, for after the decisions: each code, its file, its duplicates, its decision.

    (Every cell passes ``ranking_csv``'s writer, which neutralises formulas.)
    """
    if not any(decided.get(c, UNDECIDED) != UNDECIDED for c in codes):
        raise DecisionError("the key to the files is for after the decisions: record at least one decision first")
    frame = pd.DataFrame(
        {
            "candidate": list(codes),
            "file": [sources[c] for c in codes],
            "same CV also uploaded as": ["; ".join(duplicates.get(c, ())) for c in codes],
            "decision": [decided.get(c, UNDECIDED) for c in codes],
        }
    )
    return ranking_csv(frame, context={})
