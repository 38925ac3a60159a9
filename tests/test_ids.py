"""An erased assessment's id is never given to another one, on both backends, before and after the upgrade."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.database import create_database_engine, write_transaction
from hcdev_match.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from hcdev_match.storage.store import Store

# The version before the one that stops ids being handed out twice (later versions may follow it).
BEFORE_IDS_KEPT = [m.__name__ for m in MIGRATIONS].index("_v8_ids_never_reused_file_names_and_demo_on_reporting_rows")


@pytest.fixture(scope="module")
def assessment(samples: dict[str, str], matcher: Matcher):  # type: ignore[no-untyped-def]
    return matcher.assess(samples["telemedicine_2"])


def test_the_newest_assessment_erased_its_id_is_not_given_to_the_next(database_url: str, assessment) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    first, newest = (store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
                     for _ in range(2))  # fmt: skip
    decision = store.record_decision(newest.id, user_id=ana.id, actor="ana", decision="hold", reason="r")
    store.erase_candidate(newest.candidate_ref, actor="ana")
    after = store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
    assert after.id > newest.id > first.id  # the old code gave `after` the erased one's id
    assert store.record_decision(after.id, user_id=ana.id, actor="ana", decision="hold", reason="r") > decision
    saved = [e["target"] for e in store.audit_entries() if e["action"] == "saved"]
    assert len(saved) == len(set(saved)) == 3  # one id, one person in the log
    store.engine.dispose()


def insert_old_row(connection: sa.Connection, ref: str, *, decided: bool = False) -> int:
    """One assessment as the previous version writes it (no demo column on its fit and skill rows)."""
    when = "2026-01-02 03:04:05"
    new_id = connection.execute(
        sa.text(
            "INSERT INTO assessments (candidate_ref, created_at, source, best_role, best_fit, flags, "
            "catalogue_version, legal_basis, expires_at, demo, erase_code_hash) "
            "VALUES (:ref, :at, 'recruiter', 'ehr', 71.5, '', 'c1', "
            "'contract', '2026-07-01 00:00:00', false, :ref) RETURNING id"
        ),
        {"ref": ref, "at": when},
    ).scalar_one()
    connection.execute(
        sa.text(
            "INSERT INTO assessment_fits (assessment_id, role, fit, missing_must_have, created_at, source, best_role) "
            "VALUES (:id, 'ehr', 71.5, 'fhir', :at, 'recruiter', 'ehr')"
        ),
        {"id": new_id, "at": when},
    )
    connection.execute(
        sa.text(
            "INSERT INTO assessment_skills (assessment_id, skill, strength, created_at, source, best_role) "
            "VALUES (:id, 'hl7', 1, :at, 'recruiter', 'ehr')"
        ),
        {"id": new_id, "at": when},
    )
    if decided:
        connection.execute(
            sa.text(
                "INSERT INTO decisions (assessment_id, user_id, decision, reason, created_at) "
                "VALUES (:id, 1, 'shortlist', 'good', :at)"
            ),
            {"id": new_id, "at": when},
        )
    connection.execute(
        sa.text("INSERT INTO audit_log (at, actor, action, target) VALUES (:at, 'ana', 'saved', :t)"),
        {"at": when, "t": f"assessment:{new_id}"},
    )
    return int(new_id)  # fmt: skip


def erase_old_row(connection: sa.Connection, assessment_id: int) -> None:
    for table in ("decisions", "assessment_skills", "assessment_fits"):
        connection.execute(sa.text(f"DELETE FROM {table} WHERE assessment_id = :id"), {"id": assessment_id})
    connection.execute(sa.text("DELETE FROM assessments WHERE id = :id"), {"id": assessment_id})


def index_names(connection: sa.Connection) -> set[tuple[str, str]]:
    """(table, index) of every named index, expression indexes included (which SQLAlchemy does not reflect)."""
    if connection.dialect.name == "sqlite":
        query = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    else:
        query = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
    return {(str(t), str(n)) for t, n in connection.exec_driver_sql(query)}


TABLES = ("assessments", "assessment_fits", "assessment_skills", "decisions", "audit_log")


def test_the_upgrade_keeps_every_row_index_and_trigger_and_skips_ids_the_log_has_named(database_url: str) -> None:
    engine = create_database_engine(database_url)
    with write_transaction(engine) as connection:
        migrate(connection, target=BEFORE_IDS_KEPT)
        connection.exec_driver_sql(
            "INSERT INTO users (name, role, created_at) VALUES ('ana', 'recruiter', '2026-01-01 00:00:00')"
        )
        kept = [insert_old_row(connection, "r-1", decided=True), insert_old_row(connection, "r-2")]
        newest = insert_old_row(connection, "r-3")
        erase_old_row(connection, newest)
        if engine.dialect.name == "sqlite":
            again = insert_old_row(connection, "r-4")
            assert again == newest  # the previous version hands the erased id out again
            erase_old_row(connection, again)
            connection.exec_driver_sql(  # a trigger another version might have put on a rebuilt table
                "CREATE TRIGGER decisions_need_reason BEFORE INSERT ON decisions WHEN NEW.reason = '' "
                "BEGIN SELECT RAISE(ABORT, 'no reason'); END"
            )
        before = {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        indexes = index_names(connection)

    store = Store(engine)  # upgrades
    assert store.version == SCHEMA_VERSION
    with engine.connect() as connection:
        assert {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES} == before
        assert indexes <= index_names(connection) and len(indexes) >= 8  # later versions may add tables
        assert connection.execute(sa.text("SELECT assessment_id, reason FROM decisions")).one() == (kept[0], "good")
        assert connection.execute(sa.text("SELECT count(*) FROM assessment_fits WHERE demo = false")).scalar() == 2
        if engine.dialect.name == "sqlite":
            triggers = {
                r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            }
            assert triggers == {"audit_log_no_update", "audit_log_no_delete", "decisions_need_reason"}
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert store.integrity_check() == "ok"
    assert [store.get_assessment(i)["candidate_ref"] for i in kept] == ["r-1", "r-2"]
    with pytest.raises(sa.exc.IntegrityError), write_transaction(engine) as connection:  # foreign keys still hold
        connection.exec_driver_sql(
            "INSERT INTO assessment_skills (assessment_id, skill, strength) VALUES (9999, 'x', 1)"
        )
    assert store.erase_candidate("r-2", actor="ana").count == 1  # the newest row left: its id is not reused
    assessment = Matcher.from_paths().assess("Python developer building FHIR interfaces for a hospital EHR. " * 5)
    new = store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
    assert new.id > newest  # above every id the log named, the one erased before the upgrade too
    engine.dispose()
