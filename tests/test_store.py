"""The store on both backends (SQLite and a real PostgreSQL): no mocks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hcdev_match.errors import AccountError, StoreError
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user, hash_password, list_users, sign_in, verify_password
from hcdev_match.storage.database import create_database_engine, mask_credentials, write_transaction
from hcdev_match.storage.migrations import SCHEMA_VERSION, migrate
from hcdev_match.storage.store import Store, StoreConfig, parse_retention_days, utc_now

from .test_ids import index_names

PASSWORD = "correct horse battery staple"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.from_url(database_url)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def assessment(samples: dict[str, str], matcher: Matcher):  # type: ignore[no-untyped-def]
    return matcher.assess(samples["telemedicine_2"])


def test_a_new_database_is_built_at_the_current_version(store: Store) -> None:
    assert store.version == SCHEMA_VERSION
    assert store.integrity_check() == "ok"


def test_an_older_database_upgrades_and_keeps_its_rows(database_url: str) -> None:
    engine = create_database_engine(database_url)
    with write_transaction(engine) as connection:
        assert migrate(connection, target=1) == 1
        # Rows as version 1 wrote them (no reporting columns yet).
        connection.exec_driver_sql(
            "INSERT INTO assessments (id, candidate_ref, created_at, source, best_role, best_fit, flags, "
            "catalogue_version, legal_basis, expires_at, demo) VALUES (1, 'r-old', '2026-01-02 03:04:05', "
            "'recruiter', 'ehr', 71.5, '', 'c1', 'contract', '2026-07-01 00:00:00', false)"
        )
        connection.exec_driver_sql(
            "INSERT INTO assessment_fits (assessment_id, role, fit, missing_must_have) VALUES (1, 'ehr', 71.5, 'fhir')"
        )
        connection.exec_driver_sql(
            "INSERT INTO assessment_skills (assessment_id, skill, strength) VALUES (1, 'hl7', 1)"
        )
    upgraded = Store(engine)
    assert upgraded.version == SCHEMA_VERSION
    assert upgraded.get_assessment(1)["candidate_ref"] == "r-old"
    with engine.connect() as connection:
        # version 3 copied the filter columns onto the fit and skill rows
        fit = connection.exec_driver_sql("SELECT source, best_role, created_at FROM assessment_fits").one()
        skill = connection.exec_driver_sql("SELECT source, best_role FROM assessment_skills").one()
        indexes = index_names(connection)  # SQLAlchemy does not reflect version 10's expression index
    assert (fit[0], fit[1], str(fit[2])[:19]) == ("recruiter", "ehr", "2026-01-02 03:04:05")
    assert tuple(skill) == ("recruiter", "ehr")
    assert ("assessments", "ix_assessments_report") in indexes
    engine.dispose()


def test_saving_keeps_derived_data_only(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    saved = store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="legitimate_interest")
    row = store.get_assessment(saved.id)
    assert row["cv_text"] is None and row["consent_at"] is None
    assert row["best_role"] == "telemedicine" and row["catalogue_version"] == assessment.catalogue_version
    assert row["expires_at"] - row["created_at"] == timedelta(days=180)
    exported = store.export_candidate(saved.candidate_ref, actor="ana")
    item = exported["assessments"][0]
    assert {f["role"] for f in item["fits"]} == {f.role for f in assessment.fits}
    assert "webrtc" in item["skills"]
    json.dumps(exported)  # JSON-ready


def test_cv_text_is_kept_only_with_consent(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="explicit consent"):
        store.save_assessment(assessment, actor="a", source="recruiter", legal_basis="contract", cv_text="CV")
    saved = store.save_assessment(
        assessment, actor="a", source="recruiter", legal_basis="consent", consent=True, cv_text="the CV"
    )
    row = store.get_assessment(saved.id)
    assert row["cv_text"] == "the CV" and row["consent_at"] is not None


def test_unknown_legal_basis_and_source_are_refused(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="legal basis 'because'"):
        store.save_assessment(assessment, actor="a", source="recruiter", legal_basis="because")
    for missing in ("", None):  # what a page with no choice made would pass
        with pytest.raises(StoreError, match="legal basis"):
            store.save_assessment(assessment, actor="a", source="recruiter", legal_basis=missing)  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="legal basis"):
            store.save_assessments([assessment], actor="a", source="recruiter", legal_basis=missing)  # type: ignore[arg-type]
    assert store.count_assessments() == 0
    with pytest.raises(StoreError, match="source 'scraper'"):
        store.save_assessment(assessment, actor="a", source="scraper", legal_basis="contract")


def test_decisions_need_a_reason_and_an_existing_assessment(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    user = add_user(store, "ana", role="recruiter", password=PASSWORD)
    saved = store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
    with pytest.raises(StoreError, match="needs a reason"):
        store.record_decision(saved.id, user_id=user.id, actor="ana", decision="hold", reason=" ")
    with pytest.raises(StoreError, match="not one of"):
        store.record_decision(saved.id, user_id=user.id, actor="ana", decision="hire", reason="x")
    store.record_decision(saved.id, user_id=user.id, actor="ana", decision="shortlist", reason="strong RPM work")
    with pytest.raises(StoreError, match="does not exist"):
        store.record_decision(999, user_id=user.id, actor="ana", decision="hold", reason="x")


def test_erase_removes_everything_about_one_candidate(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    user = add_user(store, "ana", role="recruiter", password=PASSWORD)
    first = store.save_assessment(
        assessment, actor="ana", source="recruiter", legal_basis="contract", candidate_ref="r1"
    )
    store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract", candidate_ref="r1")
    other = store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
    store.record_decision(first.id, user_id=user.id, actor="ana", decision="hold", reason="later")
    removal = store.erase_candidate("r1", actor="ana")
    assert (removal.count, removal.scrubbed) == (2, True)
    assert store.assessment_ids() == [other.id]
    with store.engine.connect() as connection:
        for table in ("assessment_fits", "assessment_skills", "decisions"):
            left = connection.exec_driver_sql(f"SELECT count(*) FROM {table} WHERE assessment_id = {first.id}")
            assert left.scalar() == 0, table
    with pytest.raises(StoreError, match="nothing is kept"):
        store.erase_candidate("r1", actor="ana")
    erased = [e for e in store.audit_entries() if e["action"] == "erased"]
    # The entry names what was erased by assessment id, never by the candidate's reference.
    assert [e["target"] for e in erased] == [None, f"assessment:{first.id},{first.id + 1}"]
    assert "r1" not in str(erased)


def test_a_candidate_erases_their_own_result_with_the_code(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    saved = store.save_assessment(
        assessment, actor="candidate", source="candidate", legal_basis="consent", consent=True, with_erase_code=True
    )
    assert saved.erase_code and len(saved.erase_code) >= 16
    with pytest.raises(StoreError, match="no saved result"):
        store.erase_with_code("wrong-code")
    assert store.erase_with_code(saved.erase_code).count == 1
    assert store.audit_entries()[0]["target"] == f"assessment:{saved.id}"
    assert store.count_assessments() == 0


def test_purge_removes_what_passed_retention_and_audits_it(database_url: str, assessment) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_url(database_url, config=StoreConfig(retention_days=30))
    now = utc_now()
    old = store.save_assessment(
        assessment, actor="a", source="recruiter", legal_basis="contract", now=now - timedelta(days=31)
    )
    new = store.save_assessment(
        assessment, actor="a", source="recruiter", legal_basis="contract", now=now - timedelta(days=29)
    )
    assert store.purge_expired(actor="cron").count == 1
    assert store.assessment_ids() == [new.id] and store.get_assessment(old.id) is None
    assert store.audit_entries()[0]["action"] == "purged"
    assert store.audit_entries()[0]["target"] == f"assessment:{old.id}"
    store.engine.dispose()


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"])
def test_audit_rows_cannot_be_updated_or_deleted(store: Store, statement: str) -> None:
    store.audit("ana", "viewed", "assessment:1")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert store.audit_entries()[0]["actor"] == "ana"


def test_passwords_are_hashed_with_scrypt_and_salt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$") and first != second and PASSWORD not in first
    assert verify_password(PASSWORD, first) and not verify_password("wrong password!", first)


def test_sign_in_checks_the_password_and_delays_after_repeated_failures(store: Store) -> None:
    add_user(store, "hana", role="hr", password=PASSWORD)
    assert sign_in(store, "hana", PASSWORD).role == "hr"
    now = utc_now()
    for _ in range(5):
        with pytest.raises(AccountError, match="wrong"):
            sign_in(store, "hana", "not the password", source="203.0.113.9", now=now)
    with pytest.raises(AccountError, match="wait"):
        sign_in(store, "hana", PASSWORD, source="203.0.113.9", now=now)  # right password, but delayed
    assert sign_in(store, "hana", PASSWORD, source="203.0.113.9", now=now + timedelta(minutes=16)).name == "hana"
    with pytest.raises(AccountError, match="wrong") as unknown:
        sign_in(store, "nobody", PASSWORD)
    assert "nobody" not in str(unknown.value)  # the same message for every failure
    actions = [e["action"] for e in store.audit_entries()]
    assert "signed_in" in actions and "sign_in_failed" in actions


def test_accounts_refuse_bad_names_roles_and_short_passwords(store: Store) -> None:
    with pytest.raises(AccountError, match="at least 12"):
        add_user(store, "ana", role="recruiter", password="short")
    with pytest.raises(AccountError, match="role 'admin'"):
        add_user(store, "ana", role="admin", password=PASSWORD)
    with pytest.raises(AccountError, match="not valid"):
        add_user(store, "two words", role="hr", password=PASSWORD)
    add_user(store, "ana", role="recruiter", password=PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        add_user(store, "ana", role="hr", password=PASSWORD)
    assert [(u.name, u.role) for u in list_users(store)] == [("ana", "recruiter")]


def test_bad_database_urls_are_explained() -> None:
    with pytest.raises(StoreError, match="not a URL"):
        create_database_engine("not a url")
    with pytest.raises(StoreError, match="not supported"):
        create_database_engine("mysql://localhost/x")


def test_a_consent_time_is_recorded_only_for_consent(store: Store, assessment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="only under the consent basis"):
        store.save_assessment(assessment, actor="a", source="recruiter", legal_basis="contract", consent=True)
    with pytest.raises(StoreError, match="only under the consent basis"):
        store.save_assessments(
            [assessment], actor="a", source="recruiter", legal_basis="legitimate_interest", consent=True
        )
    with pytest.raises(StoreError, match="needs the candidate's consent"):
        store.save_assessment(assessment, actor="a", source="recruiter", legal_basis="consent")
    assert store.count_assessments() == 0
    contract = store.save_assessment(assessment, actor="a", source="recruiter", legal_basis="contract")
    consent = store.save_assessment(assessment, actor="a", source="candidate", legal_basis="consent", consent=True)
    assert store.get_assessment(contract.id)["consent_at"] is None  # type: ignore[index]
    assert store.get_assessment(consent.id)["consent_at"] is not None  # type: ignore[index]


def test_purge_uses_the_retention_in_force_when_it_runs(database_url: str, assessment) -> None:  # type: ignore[no-untyped-def]
    # Saved under the default 180 days, 40 and 100 days ago; then retention is set to 30.
    now = utc_now()
    saved = Store.from_url(database_url)
    ages = (100, 40, 29)
    ids = [
        saved.save_assessment(
            assessment, actor="a", source="recruiter", legal_basis="contract", now=now - timedelta(days=days)
        ).id
        for days in ages
    ]
    saved.engine.dispose()
    store = Store.from_url(database_url, config=StoreConfig(retention_days=30))
    assert store.purge_expired(actor="cron", now=now).count == 2
    assert store.assessment_ids() == [ids[2]]
    # A longer retention later never keeps a row past the expiry it was saved (and shown) with.
    longer = Store.from_url(database_url, config=StoreConfig(retention_days=3650))
    assert longer.purge_expired(actor="cron", now=now + timedelta(days=152)).count == 1
    store.engine.dispose()
    longer.engine.dispose()


@pytest.mark.parametrize("text", ["abc", "0", "-5", "30.5", "1e3"])
def test_a_bad_retention_setting_is_refused_with_its_name_and_value(text: str) -> None:
    with pytest.raises(StoreError, match=r"HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more") as info:
        parse_retention_days(text, setting="HCDEV_RETENTION_DAYS")
    assert repr(text) in str(info.value)
    assert parse_retention_days(" 30 ", setting="x") == 30
    assert parse_retention_days(None, setting="x") == parse_retention_days("", setting="x") == 180


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://admin:Sup3r-secret@db.internal:notaport/hcdev",  # a port that is not a number
        "postgresql+psycopg://admin:Sup3r-secret@[::1/hcdev",  # an unclosed IPv6 bracket
        "postgresql://admin:p@Sup3r-secret@db:x/hcdev",  # a password holding "@"
        "admin:Sup3r-secret@db/hcdev",  # no scheme
        "postgresql:/admin:Sup3r-secret@db/hcdev",  # one slash
    ],
)
def test_a_database_url_that_does_not_parse_is_never_shown_with_its_password(url: str) -> None:
    with pytest.raises(StoreError, match="not a URL") as info:
        create_database_engine(url)
    assert "Sup3r-secret" not in str(info.value)
    assert "***@" in str(info.value)  # still says which database it was


def test_driver_messages_quoting_a_url_lose_its_password() -> None:
    for url in ("postgresql://admin:Sup3r-secret@db/x", "postgresql+psycopg://admin:p@Sup3r-secret@db:x/y"):
        masked = mask_credentials(f"could not connect with {url!r}: refused")
        assert "Sup3r-secret" not in masked and "admin:***@" in masked
