"""The opening kept with saved assessments (real SQLite): saved, read, exported, erased and purged with them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.scoring.opening import build_opening
from hcdev_match.scoring.opening_model import Opening, saved_opening
from hcdev_match.storage.database import create_database_engine, write_transaction
from hcdev_match.storage.migrations import migrate
from hcdev_match.storage.openings import load_openings, save_openings
from hcdev_match.storage.store import Store, utc_now

from .test_openings import CV_PREFERRED, CV_REQUIRED, INTEGRATION


def test_the_opening_is_kept_with_its_assessments_and_goes_with_them(matcher: Matcher, tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    opening = build_opening(matcher, INTEGRATION)
    assessments = [matcher.assess(t) for t in (CV_REQUIRED, CV_PREFERRED, CV_REQUIRED)]
    kept = store.save_assessments(assessments, actor="ana", source="recruiter", legal_basis="contract")
    ids = [k.id for k in kept]
    save_openings(store, ids[:2], opening.to_dict(), [41.5, 12.0])
    stored = load_openings(store, ids)
    assert set(stored) == set(ids[:2])
    assert stored[ids[0]]["fit"] == 41.5 and stored[ids[0]]["text_hash"] == opening.text_hash
    assert stored[ids[0]]["title"] == "Senior Integration Engineer" and "hl7" in stored[ids[0]]["required"]
    assert "Zorblax" not in str(stored[ids[0]]["profile"])  # the profile, never the posting's text
    # An access request shows it; erasure removes it with the assessment.
    exported = store.export_candidate(kept[0].candidate_ref, actor="privacy")
    assert exported["assessments"][0]["openings"][0]["fit"] == 41.5
    store.erase_candidate(kept[0].candidate_ref, actor="privacy")
    with store.engine.connect() as connection:
        left = connection.exec_driver_sql("SELECT assessment_id FROM assessment_openings").scalars().all()
    assert left == [ids[1]]
    # Purge at the end of retention takes it too.
    store.purge_expired(actor="cli", now=utc_now() + timedelta(days=10_000))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM assessment_openings").scalar() == 0
    store.engine.dispose()


def test_a_saved_opening_is_rebuilt_whole_from_the_store_and_never_from_a_part(
    matcher: Matcher, tmp_path: Path
) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    opening = build_opening(matcher, INTEGRATION)
    kept = store.save_assessments(
        [matcher.assess(t) for t in (CV_REQUIRED, CV_PREFERRED)], actor="ana", source="recruiter",
        legal_basis="contract",
    )  # fmt: skip
    ids = [k.id for k in kept]
    save_openings(store, ids, opening.to_dict(), [41.5, 12.0])
    restored = saved_opening(load_openings(store, ids), ids)
    assert restored == (Opening.from_dict(opening.to_dict()), dict(zip(ids, [41.5, 12.0], strict=True)))
    # A batch one of whose assessments has no opening (or another one) has none to restore.
    other = store.save_assessments([matcher.assess(CV_REQUIRED)], actor="ana", source="recruiter",
                                   legal_basis="contract")  # fmt: skip
    assert saved_opening(load_openings(store, [*ids, other[0].id]), [*ids, other[0].id]) is None
    assert saved_opening({}, []) is None


def test_a_title_with_control_characters_is_kept_on_either_database(matcher: Matcher, database_url: str) -> None:
    # A PDF's unmapped glyph comes out as NUL; PostgreSQL refuses NUL in text, so the opening was lost
    # ("check the database and try again", which never helps), and an ESC reached the CLI's terminal.
    opening = build_opening(matcher, "Senior\x00 Integration\x1b Engineer\x07\n" + INTEGRATION)
    assert opening.title == "Senior Integration Engineer"
    store = Store.from_url(database_url)
    [kept] = store.save_assessments(
        [matcher.assess(CV_REQUIRED)], actor="ana", source="recruiter", legal_basis="contract"
    )
    save_openings(store, [kept.id], opening.to_dict(), [41.5])
    assert load_openings(store, [kept.id])[kept.id]["title"] == "Senior Integration Engineer"
    store.engine.dispose()


def test_an_older_database_gains_the_openings_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_database_engine(url)
    with write_transaction(engine) as connection:
        migrate(connection, target=5)
        assert not sa.inspect(connection).has_table("assessment_openings")
    Store(engine)
    with engine.connect() as connection:
        assert sa.inspect(connection).has_table("assessment_openings")
    engine.dispose()
