"""The database's tables, as this version of the program uses them.

How a database reaches this shape, version by version, is in :mod:`.migrations`.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "REPORTING_COLUMNS",
    "assessment_fits",
    "assessment_openings",
    "assessment_skills",
    "assessments",
    "audit_log",
    "decisions",
    "fit_and_skill_tables",
    "metadata",
    "rate_limit_counts",
    "recruiter_batch_members",
    "recruiter_batches",
    "schema_info",
    "sign_in_throttle",
    "users",
    "web_sessions",
]

metadata = sa.MetaData()

schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=True),  # None for single sign-on users
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime, nullable=True),
    sa.CheckConstraint("role IN ('recruiter', 'hr')", name="ck_users_role"),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("candidate_ref", sa.String(100), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("batch", sa.String(100), nullable=True),
    sa.Column("best_role", sa.String(40), nullable=False),
    sa.Column("best_fit", sa.Float, nullable=False),
    sa.Column("flags", sa.String(200), nullable=False, server_default=""),
    sa.Column("catalogue_version", sa.String(40), nullable=False),
    sa.Column("legal_basis", sa.String(40), nullable=False),
    sa.Column("consent_at", sa.DateTime, nullable=True),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    sa.Column("cv_text", sa.Text, nullable=True),  # only with explicit consent
    sa.Column("erase_code_hash", sa.String(64), nullable=True, index=True),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("file_name", sa.String(255), nullable=True),  # the uploaded file's name (version 8)
    sa.CheckConstraint("source IN ('recruiter', 'candidate', 'demo')", name="ck_assessments_source"),
    sa.CheckConstraint("cv_text IS NULL OR consent_at IS NOT NULL", name="ck_assessments_cv_needs_consent"),
)


def fit_and_skill_tables(meta: sa.MetaData, *, reporting: bool) -> tuple[sa.Table, sa.Table]:
    def extra() -> list[sa.Column[object]]:
        if not reporting:
            return []
        return [
            sa.Column("created_at", sa.DateTime, nullable=True),
            sa.Column("source", sa.String(20), nullable=True),
            sa.Column("best_role", sa.String(40), nullable=True),
            sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),  # version 8
        ]

    fits = sa.Table(
        "assessment_fits",
        meta,
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(40), primary_key=True),
        sa.Column("fit", sa.Float, nullable=False),
        sa.Column("missing_must_have", sa.String(400), nullable=False, server_default=""),
        *extra(),
    )
    skills = sa.Table(
        "assessment_skills",
        meta,
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("skill", sa.String(60), primary_key=True),
        sa.Column("strength", sa.Float, nullable=False),
        *extra(),
    )
    return fits, skills


assessment_fits, assessment_skills = fit_and_skill_tables(metadata, reporting=True)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.CheckConstraint("decision IN ('shortlist', 'hold', 'reject')", name="ck_decisions_decision"),
)

# Failed sign-ins per (name as typed, source), for growing delays: counted
# for unknown names too, so the delay tells nothing about which names exist.
sign_in_throttle = sa.Table(
    "sign_in_throttle",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", sa.DateTime, nullable=False),
)

# The opening (a job posting read into a profile) a saved assessment was ranked against, and
# the fit to it: title, text hash and profile (Opening.to_dict(), JSON), never the posting.
assessment_openings = sa.Table(
    "assessment_openings",
    metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("opening", sa.Text, nullable=False),
    sa.Column("fit", sa.Float, nullable=False),
)

# The rate limits' counts (version 11), in the database every replica shares, so one allowance
# holds across replicas and restarts (throttle.py). Per kind of attempt: one "window" row (holder
# ""), the current window and its refusals, which every count of the kind locks first; and one row
# per session and per source that tried in it, named by a hash, never the id or address itself.
# A row lives as long as its window: closing the window deletes the session and source rows.
rate_limit_counts = sa.Table(
    "rate_limit_counts",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("scope", sa.String(10), primary_key=True),
    sa.Column("holder", sa.String(64), primary_key=True),
    sa.Column("window_start", sa.DateTime, nullable=False),
    sa.Column("window_end", sa.DateTime, nullable=False),
    sa.Column("used", sa.Integer, nullable=False),
    sa.Column("refused", sa.Integer, nullable=False),
    sa.CheckConstraint("scope IN ('window', 'session', 'source')", name="ck_rate_limit_counts_scope"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(100), nullable=True),
    sa.Column("detail", sa.String(400), nullable=True),
)


# A signed-in browser's session (the candidate helper's migration): a random
# token in the browser's cookie, kept here only as its hash, and bound to the
# browser's XSRF token (a hash of it), so a copied cookie alone opens nothing.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("browser", sa.String(64), nullable=False),
    sa.Column("signed_in_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
)


# Columns copied from assessments onto their (never changing) fit and skill
# rows, so the HR aggregates filter and group without a join.
REPORTING_COLUMNS = (("created_at", "TIMESTAMP"), ("source", "VARCHAR(20)"), ("best_role", "VARCHAR(40)"))


# A recruiter's named batch (version 7): its settings, and one row per
# distinct CV holding what ranks it again (term strengths, never the text;
# the text stays on the assessment, kept only with consent). Members go with
# their assessment when it is erased or purged.
recruiter_batches = sa.Table(
    "recruiter_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("legal_basis", sa.String(40), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("catalogue_version", sa.String(40), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON: roles, weights, required skills, blind review
    sa.UniqueConstraint("created_by", "fingerprint", name="uq_recruiter_batches_fingerprint"),
)

recruiter_batch_members = sa.Table(
    "recruiter_batch_members",
    metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("recruiter_batches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(20), primary_key=True),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("duplicates", sa.Text, nullable=False),  # JSON: the other uploads of the same CV
    sa.Column("ranking", sa.Text, nullable=False),  # JSON: flags and term strengths by term name
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)
