"""The database's versions: each entry of ``MIGRATIONS`` moves a database one version up.

``migrate`` applies the missing ones in order, inside one transaction, so an
existing database upgrades in place and a new one is built the same way.
Migrations are append-only: a released version is never edited, a change is
a new entry at the end. The tables themselves are in :mod:`.schema`.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import (
    REPORTING_COLUMNS,
    assessment_openings,
    assessments,
    audit_log,
    decisions,
    fit_and_skill_tables,
    rate_limit_counts,
    recruiter_batch_members,
    recruiter_batches,
    schema_info,
    sign_in_throttle,
    users,
    web_sessions,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]


def _v1_tables_and_append_only_audit(connection: Connection) -> None:
    # Version 1's own shape of the fit and skill tables (v3 adds columns).
    v1 = sa.MetaData()
    for table in (schema_info, users, assessments):
        table.to_metadata(v1)
    fits, skills = fit_and_skill_tables(v1, reporting=False)
    for table in (decisions, audit_log):
        table.to_metadata(v1)
    for table in v1.sorted_tables:
        table.create(connection, checkfirst=True)
    if connection.dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            connection.exec_driver_sql(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        connection.exec_driver_sql(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def _v2_reporting_indexes(connection: Connection) -> None:
    # The HR page aggregates by time, role and skill over many rows. Plain DDL
    # (the same on both backends): Index objects would attach to the tables
    # and be created by version 1 as well.
    for name, table, columns in (
        ("ix_assessments_created_at", "assessments", "created_at"),
        ("ix_assessments_best_role", "assessments", "best_role"),
        ("ix_assessment_fits_role_fit", "assessment_fits", "role, fit"),
        ("ix_assessment_skills_skill", "assessment_skills", "skill"),
        ("ix_decisions_assessment", "decisions", "assessment_id"),
    ):
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def _v3_reporting_columns(connection: Connection) -> None:
    for table in ("assessment_fits", "assessment_skills"):
        for column, kind in REPORTING_COLUMNS:
            connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        assignments = ", ".join(
            f"{column} = (SELECT assessments.{column} FROM assessments WHERE assessments.id = {table}.assessment_id)"
            for column, _ in REPORTING_COLUMNS
        )
        connection.exec_driver_sql(f"UPDATE {table} SET {assignments}")
    # Covering indexes: one index scan answers each HR aggregate, filters
    # included, with no look-up of the rows (they replace version 2's
    # narrower indexes, which they begin with).
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessments_created_at")
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_assessments_report ON assessments (created_at, source, best_role, demo)"
    )
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessment_fits_role_fit")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessment_skills_skill")
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_assessment_fits_report "
        "ON assessment_fits (role, fit, created_at, source, best_role)"
    )
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_assessment_skills_report "
        "ON assessment_skills (skill, best_role, created_at, source)"
    )


def _v4_sign_in_throttle_and_no_published_demo_passwords(connection: Connection) -> None:
    sign_in_throttle.create(connection, checkfirst=True)
    # Demo accounts made before version 4 have the passwords the README
    # published: no password opens them any more ("!" matches no hash).
    connection.execute(users.update().where(users.c.name.in_(("demo-hr", "demo-recruiter"))).values(password_hash="!"))


def _v5_month_group_indexes(connection: Connection) -> None:
    # The HR figures count people per month, best role and source (insights.py).
    # SQLite groups by sorting every row unless an index already holds that
    # order, so these indexes hold the month and the 10-point fit step as
    # expressions, written as insights.py queries them. PostgreSQL hashes its
    # groups and needs none. They replace version 3's fit and skill indexes,
    # which nothing else reads. (The assessments table, 7 to 10 times smaller,
    # sorts its groups in a few milliseconds.)
    if connection.dialect.name != "sqlite":
        return
    month = "substr(created_at, 1, 7)"
    for name, table, columns in (
        ("ix_assessment_fits_month", "assessment_fits", f"role, CAST(fit / 10 AS INTEGER), {month}, best_role, source"),
        ("ix_assessment_skills_month", "assessment_skills", f"skill, {month}, best_role, source"),
    ):
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessment_fits_report")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessment_skills_report")


def _v6_web_sessions(connection: Connection) -> None:
    web_sessions.create(connection, checkfirst=True)


def _v7_recruiter_batches(connection: Connection) -> None:
    recruiter_batches.create(connection, checkfirst=True)
    recruiter_batch_members.create(connection, checkfirst=True)
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_recruiter_batch_members_assessment ON recruiter_batch_members (assessment_id)"
    )


def _v8_ids_never_reused_file_names_and_demo_on_reporting_rows(connection: Connection) -> None:
    # The name of the file a recruiter's assessment came from, so a privacy
    # request can find it by batch and file (erased and exported with it).
    if "file_name" not in {c["name"] for c in sa.inspect(connection).get_columns("assessments")}:
        connection.exec_driver_sql("ALTER TABLE assessments ADD COLUMN file_name VARCHAR(255)")
    # Demo or not, copied onto the fit and skill rows like version 3's
    # columns, so HR can leave demo data out without a join.
    for table in ("assessment_fits", "assessment_skills"):
        connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN demo BOOLEAN NOT NULL DEFAULT false")
        connection.exec_driver_sql(
            f"UPDATE {table} SET demo = true WHERE assessment_id IN (SELECT id FROM assessments WHERE demo = true)"
        )
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's sequences never hand an id out twice
    from .rebuild import rebuild_with_autoincrement

    # An erased assessment's id is never given to the next one: AUTOINCREMENT,
    # starting above every id the audit log has named as saved.
    saved = connection.exec_driver_sql(
        "SELECT max(CAST(substr(target, 12) AS INTEGER)) FROM audit_log "
        "WHERE action = 'saved' AND target LIKE 'assessment:%'"
    ).scalar()
    rebuild_with_autoincrement(connection, ("assessments", "decisions"), floors={"assessments": int(saved or 0)})
    month = "substr(created_at, 1, 7)"  # version 5's month-group indexes, with demo as the last group key
    for name, table, columns in (
        ("ix_assessment_fits_month", "assessment_fits",
         f"role, CAST(fit / 10 AS INTEGER), {month}, best_role, source, demo"),
        ("ix_assessment_skills_month", "assessment_skills", f"skill, {month}, best_role, source, demo"),
    ):  # fmt: skip
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({columns})")


def _v9_assessment_openings(connection: Connection) -> None:
    # The openings migration: one new table, nothing else.
    assessment_openings.create(connection, checkfirst=True)


def _v10_month_first_indexes(connection: Connection) -> None:
    # The HR page counts again only the months whose assessments changed
    # (insight_cache.py): it reads each month's count and newest id, then
    # the counts of those months alone. On SQLite these indexes lead with
    # the month, so both are a search of one month's entries, never a scan
    # of every row: assessments by month and group (new), and the fits by
    # month, role and 10-point step (version 8's index of that name, whose
    # role and step came first; a scan of all months costs the same on
    # either). Skills keep version 8's index: skill, then month, is already
    # a search. PostgreSQL hashes its groups and needs none.
    if connection.dialect.name != "sqlite":
        return
    month = "substr(created_at, 1, 7)"
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS ix_assessments_month ON assessments ({month}, best_role, source, demo)"
    )
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_assessment_fits_month")
    connection.exec_driver_sql(
        "CREATE INDEX ix_assessment_fits_month ON assessment_fits "
        f"({month}, role, CAST(fit / 10 AS INTEGER), best_role, source, demo)"
    )


def _v11_shared_rate_limits(connection: Connection) -> None:
    # The rate limits' counts, once in each server process's memory (N replicas
    # allowed N times a source's attempts, a restart forgot them): one table.
    rate_limit_counts.create(connection, checkfirst=True)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_tables_and_append_only_audit,
    _v2_reporting_indexes,
    _v3_reporting_columns,
    _v4_sign_in_throttle_and_no_published_demo_passwords,
    _v5_month_group_indexes,
    _v6_web_sessions,
    _v7_recruiter_batches,
    _v8_ids_never_reused_file_names_and_demo_on_reporting_rows,
    _v9_assessment_openings,
    _v10_month_first_indexes,  # bulkspeed (issue 16)
    _v11_shared_rate_limits,  # sharedlimits
)


SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(connection: Connection) -> int:
    """The version a database is at (0 when it is empty)."""
    if not sa.inspect(connection).has_table("schema_info"):
        return 0
    value = connection.execute(sa.select(schema_info.c.version)).scalar()
    return int(value or 0)


def migrate(connection: Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to ``target``; return the version reached."""
    current = schema_version(connection)
    if current > SCHEMA_VERSION:
        from ..errors import StoreError

        raise StoreError(
            f"the database is at schema version {current}, newer than this program's {SCHEMA_VERSION}; "
            "upgrade hcdev-match before using it"
        )
    for version in range(current + 1, target + 1):
        MIGRATIONS[version - 1](connection)
        if version == 1:
            connection.execute(schema_info.insert().values(version=1))
        else:
            connection.execute(schema_info.update().values(version=version))
    return max(current, target)
