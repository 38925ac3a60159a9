"""The audit log, look-ups and access-request exports as people read them (no Streamlit here).

Times are stored in UTC without a zone; here they are shown in the
reader's zone, with the zone named. Actions are said in words, targets
as "assessments 12, 13", and an empty value is left empty, never "None".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

import pandas as pd

__all__ = [
    "ACTION_LABELS",
    "action_label",
    "audit_table",
    "found_table",
    "local_time",
    "readable_export",
    "target_text",
]

#: Each action of the audit log (storage/audit.py ACTIONS) in words; an old log's unknown one is shown from its id.
ACTION_LABELS: dict[str, str] = {
    "decided": "Recorded a decision",
    "demo_seeded": "Added demo data",
    "erased": "Erased a candidate's data",
    "exported": "Exported a candidate's data",
    "looked_up": "Looked a candidate up",
    "noted": "Kept a note on a candidate",
    "password_changed": "Changed a password",
    "purged": "Purged expired assessments",
    "rate_limited": "Refused a flood of tries",
    "saved": "Saved an assessment",
    "saved_batch": "Saved a batch of assessments",
    "sign_in_failed": "Failed sign-in",
    "signed_in": "Signed in",
    "unblinded": "Downloaded the key from codes to files",
    "user_added": "Added an account",
    "user_removed": "Removed an account",
    "user_unlocked": "Unlocked an account",
    "viewed": "Viewed an assessment",
}
SOURCE_WORDS = {"recruiter": "recruiter's batch", "candidate": "candidate's own save", "demo": "demo data"}
DECISION_WORDS = {"shortlist": "shortlisted", "hold": "held", "reject": "rejected"}
HIDDEN_FIELDS = {"erase_code_hash"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def local_time(value: datetime | str | None, zone: tzinfo) -> str:
    """A stored UTC time in ``zone``, the zone named: "2026-03-01 13:05 CET"."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(zone)
    name = shown.tzname() or ""
    offset = shown.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{shown:%Y-%m-%d %H:%M} {name}" + (f" (UTC{offset})" if name and not name.startswith(("+", "-")) else "")


def target_text(target: str | None) -> str:
    """Say an audit target in words: "assessment:12,13" as "assessments 12, 13", "user:ana" as "account ana"."""
    if not target:
        return ""
    kind, _, rest = target.partition(":")
    if kind == "assessment" and rest:
        ids = rest.replace(",", ", ")
        return ("assessment " if "," not in rest else "assessments ") + ids
    if kind == "user" and rest:
        return f"account {rest}"
    return target.replace("_", " ")


def audit_table(entries: Iterable[Mapping[str, Any]], *, zone: tzinfo) -> pd.DataFrame:
    rows = [
        {
            "when": local_time(e["at"], zone),
            "who": str(e["actor"] or ""),
            "action": action_label(str(e["action"])),
            "about": target_text(e.get("target")),
            "detail": str(e.get("detail") or ""),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["when", "who", "action", "about", "detail"])


def found_table(found: Iterable[Any], *, zone: tzinfo, role_labels: Mapping[str, str]) -> pd.DataFrame:
    """The look-up's matches, one row each, in words."""
    rows = [
        {
            "reference": f.candidate_ref,
            "assessment": f.assessment_id,
            "saved": local_time(f.saved_at, zone),
            "saved by": f.saved_by or ("the candidate" if f.source == "candidate" else ""),
            "batch": f.batch or "",
            "file": f.file_name or "",
            "best role": role_labels.get(f.best_role, f.best_role),
        }
        for f in found
    ]
    return pd.DataFrame(rows, columns=["reference", "assessment", "saved", "saved by", "batch", "file", "best role"])


def readable_export(
    data: Mapping[str, Any],
    *,
    names: Mapping[int, str],
    role_labels: Mapping[str, str],
    skill_labels: Mapping[str, str],
    zone: tzinfo,
) -> dict[str, Any]:
    """An access request's data in words (names, labels, local times), with the stored values in full beside it."""
    readable = []
    for item in data["assessments"]:
        by = item.get("created_by")
        readable.append(
            {
                "assessment": item["id"],
                "saved": local_time(item.get("created_at"), zone),
                "saved by": names.get(by, f"account {by} (removed)") if by is not None else "the candidate",
                "how it came": SOURCE_WORDS.get(item.get("source", ""), item.get("source", "")),
                "batch": item.get("batch") or "not part of a batch",
                "file": item.get("file_name") or "not kept",
                "legal basis": str(item.get("legal_basis", "")).replace("_", " "),
                "consent given": local_time(item.get("consent_at"), zone) or "not asked (another legal basis)",
                "kept until": local_time(item.get("expires_at"), zone),
                "CV text": "kept, with consent" if item.get("cv_text") else "not kept",
                "best role": role_labels.get(item.get("best_role", ""), item.get("best_role", "")),
                "fits": {role_labels.get(f["role"], f["role"]): f["fit"] for f in item.get("fits", [])},
                "skills shown": sorted(skill_labels.get(s, s) for s in item.get("skills", [])),
                "decisions": [
                    {
                        "when": local_time(d.get("created_at"), zone),
                        "by": names.get(d.get("user_id"), f"account {d.get('user_id')} (removed)"),
                        "decision": DECISION_WORDS.get(d.get("decision", ""), d.get("decision", "")),
                        "why": d.get("reason", ""),
                    }
                    for d in item.get("decisions", [])
                ],
            }
        )
    stored = [{k: v for k, v in item.items() if k not in HIDDEN_FIELDS} for item in data["assessments"]]
    return {
        "candidate reference": data["candidate_ref"],
        "exported": local_time(data.get("exported_at"), zone),
        "times are in": str(zone),
        "assessments": readable,
        "as stored (UTC times, ids)": stored,
    }
