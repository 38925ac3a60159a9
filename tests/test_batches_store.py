"""Saved recruiter batches on both backends: all or nothing, never twice, gone with their assessments."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hcdev_match.documents.document import DocumentLimits
from hcdev_match.documents.intake import BatchLimits
from hcdev_match.errors import StoreError
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.batches import (
    decision_history,
    list_batches,
    load_batch,
    record_decisions,
    save_batch,
    set_note,
)
from hcdev_match.storage.migrations import SCHEMA_VERSION
from hcdev_match.storage.store import Store
from hcdev_match.workflows.ranking import Ranking
from hcdev_match.workflows.screening import Screening, Settings, read_screening

from .conftest import SAMPLES


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.from_url(database_url)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def screening(matcher: Matcher) -> Screening:
    files = [(f"{n}.txt", (SAMPLES / f"{n}.txt").read_bytes()) for n in ("ehr_1", "imaging_1", "cds_1")]
    return read_screening(matcher, files, limits=DocumentLimits(), batch=BatchLimits())


def save(store: Store, screening: Screening, owner: int, **extra: object) -> int:
    ranking = screening.ranking
    members = [{**ranking.row_of(n), "fingerprint": screening.fingerprints[n], "duplicates": ()}
               for n in range(len(ranking))]  # fmt: skip
    options = {"legal_basis": "contract", "name": "ICU integration", **extra}
    return save_batch(
        store, owner=owner, actor="ana", fingerprint=screening.fingerprint,
        catalogue_version=ranking.matcher.catalogue.version, settings=Settings(roles=("ehr",)).to_dict(),
        members=members, batch_assessments=ranking.assessments(), **options,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_saved_batch_reopens_ranked_as_before_without_its_texts(store: Store, screening: Screening) -> None:
    assert store.version == SCHEMA_VERSION
    owner = add_user(store, "ana", role="recruiter", password="correct horse battery").id
    batch_id = save(store, screening, owner)
    batch, members = load_batch(store, batch_id, owner=owner)
    assert batch.name == "ICU integration" and batch.settings["roles"] == ["ehr"] and batch.size == 3
    assert [m.text for m in members] == [None, None, None]  # no consent: no CV text kept
    rows = [{"code": m.code, "source": m.source, "kind": m.kind, "text": None, **m.ranking} for m in members]
    restored = Ranking.restore(screening.ranking.matcher, rows)
    assert (
        restored.table(roles=["ehr"])
        .drop(columns="source")
        .equals(screening.ranking.table(roles=["ehr"]).drop(columns="source"))
    )


def test_a_batch_is_saved_once_per_owner_and_only_its_owner_opens_it(store: Store, screening: Screening) -> None:
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery").id
    bob = add_user(store, "bob", role="recruiter", password="another long passphrase").id
    batch_id = save(store, screening, ana)
    count = store.count_assessments()
    with pytest.raises(StoreError, match="already saved as 'ICU integration'"):
        save(store, screening, ana, name="Again")
    assert store.count_assessments() == count
    with pytest.raises(StoreError, match="not one of your saved batches"):
        load_batch(store, batch_id, owner=bob)
    assert list_batches(store, owner=bob) == []
    with pytest.raises(StoreError, match="needs a name"):
        save(store, screening, bob, name="  ")
    with pytest.raises(StoreError, match="legal basis"):
        save(store, screening, bob, legal_basis="because")
    assert store.count_assessments() == count  # refused before anything was written


def test_bulk_decisions_are_all_or_none_and_make_a_history(store: Store, screening: Screening) -> None:
    owner = add_user(store, "ana", role="recruiter", password="correct horse battery").id
    _, members = load_batch(store, save(store, screening, owner), owner=owner)
    ids = [m.assessment_id for m in members]
    with pytest.raises(StoreError, match="nothing was recorded"):
        record_decisions(store, [ids[0], 10_000], user_id=owner, actor="ana", decision="reject", reason="No")
    assert not any(decision_history(store, ids).values())
    record_decisions(store, ids[:2], user_id=owner, actor="ana", decision="hold", reason="References first")
    record_decisions(store, ids[:1], user_id=owner, actor="ana", decision="shortlist", reason="References fine")
    history = decision_history(store, ids)
    assert [e.decision for e in history[ids[0]]] == ["hold", "shortlist"] and history[ids[2]] == []
    assert {e.by for e in history[ids[0]]} == {"ana"}


def test_erasing_a_candidate_takes_their_member_row_and_note(store: Store, screening: Screening) -> None:
    owner = add_user(store, "ana", role="recruiter", password="correct horse battery").id
    batch_id = save(store, screening, owner)
    _, members = load_batch(store, batch_id, owner=owner)
    set_note(store, batch_id, members[0].code, "Phoned, keen", actor="ana")
    assert load_batch(store, batch_id, owner=owner)[1][0].note == "Phoned, keen"
    store.erase_candidate(members[0].candidate_ref, actor="privacy")
    _, left = load_batch(store, batch_id, owner=owner)
    assert [m.code for m in left] == [m.code for m in members[1:]]
    assert list_batches(store, owner=owner)[0].size == 2
