"""Demo data: generated assessments, clearly marked, so every HR chart shows something.

Rows are written in bulk (no CV is read or scored) and carry ``demo = true``;
the HR page says when what it shows includes them. Demo accounts are made
only when asked for, only in a local SQLite database that holds nothing but
demo data, with random passwords that are returned once and never stored
in clear; the app shows a banner while one exists.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..catalogue.model import ESSENTIAL_SKILLS, Catalogue
from ..errors import AccountError
from .accounts import DEMO_PREFIX, User, add_user, list_users
from .audit import append_audit
from .database import utc_now
from .rows import Provenance, Record, Scores, insert_records
from .saving import DECISIONS
from .schema import assessments, decisions, users
from .store import Store

__all__ = ["DEMO_ACCOUNTS", "DEMO_AUTHOR", "add_demo_accounts", "seed_demo"]

#: The demo accounts' names and roles; their passwords are made when they are.
DEMO_ACCOUNTS = {"demo-hr": "hr", "demo-recruiter": "recruiter"}
#: The author of the demo assessments and decisions: an account row with no
#: password, so nobody can sign in as it.
DEMO_AUTHOR = "demo-data"
_ROLE_SHARE = {
    "ehr": 0.26,
    "telemedicine": 0.16,
    "mobile": 0.16,
    "analytics": 0.14,
    "cds": 0.12,
    "imaging": 0.1,
    "device": 0.06,
}
#: The mean fit of a role's own pool: the roles differ, as real pools do.
_POOL_MEAN = {"ehr": 64, "telemedicine": 58, "mobile": 54, "analytics": 50, "cds": 46, "imaging": 60, "device": 42}


def seed_demo(
    store: Store, catalogue: Catalogue, *, assessments_count: int, seed: int = 1, now: datetime | None = None
) -> int:
    """Add ``assessments_count`` generated assessments over the last year; return how many."""
    rng = random.Random(seed)
    now = now or utc_now()
    recruiter = _demo_author(store)
    roles = [r for r in catalogue.roles if r in _ROLE_SHARE] or list(catalogue.roles)
    weights = [_ROLE_SHARE.get(r, 0.1) for r in roles]
    done = 0
    while done < assessments_count:
        chunk = min(5000, assessments_count - done)
        _write_chunk(store, catalogue, rng, roles, weights, chunk, now, recruiter)
        done += chunk
    store.audit("demo", "demo_seeded", None, f"{assessments_count} demo assessment(s)")
    return assessments_count


def add_demo_accounts(store: Store) -> dict[str, str]:
    """Create the demo accounts with random passwords; return name -> password (shown once, kept nowhere).

    Refused unless the database is a local SQLite file holding only demo
    data: demo accounts never reach a shared or real database.
    """
    if store.engine.dialect.name != "sqlite":
        raise AccountError("demo accounts are made only in a local SQLite database, never in a shared one")
    with store.reading("look for real data") as connection:
        real_users = connection.execute(
            sa.select(sa.func.count()).select_from(users).where(~users.c.name.startswith(DEMO_PREFIX))
        ).scalar_one()
        real_rows = connection.execute(
            sa.select(sa.func.count()).select_from(assessments).where(assessments.c.demo == sa.false())
        ).scalar_one()
    if real_users or real_rows:
        raise AccountError(
            f"this database holds {real_users} real account(s) and {real_rows} real assessment(s); demo accounts "
            "are made only in a database of demo data alone (e.g. a fresh var/hcdev.sqlite3)"
        )
    existing = {u.name for u in list_users(store)}
    made = {}
    for name, role in DEMO_ACCOUNTS.items():
        if name in existing:
            continue
        password = secrets.token_urlsafe(15)
        add_user(store, name, role=role, password=password, actor="demo", demo=True)
        made[name] = password
    return made


def _demo_author(store: Store) -> User:
    for user in list_users(store):
        if user.name == DEMO_AUTHOR:
            return user
    with store.writing("add the demo author") as connection:
        user_id = connection.execute(
            users.insert()
            .values(name=DEMO_AUTHOR, role="recruiter", password_hash=None, created_at=utc_now())
            .returning(users.c.id)
        ).scalar_one()
        append_audit(connection, "demo", "user_added", f"user:{DEMO_AUTHOR}", "recruiter, no password")
    return User(int(user_id), DEMO_AUTHOR, "recruiter")


def _write_chunk(
    store: Store,
    catalogue: Catalogue,
    rng: random.Random,
    roles: list[str],
    weights: list[float],
    count: int,
    now: datetime,
    recruiter: User,
) -> None:
    odds = {"machine_learning": 0.35, "iot": 0.18, "blockchain": 0.05, "ar_vr": 0.06}  # of the future tier
    people = []
    for _ in range(count):
        pool = rng.choices(roles, weights)[0]  # the role this candidate is closest to
        created = now - timedelta(days=rng.uniform(0, 365), minutes=rng.uniform(0, 1440))
        source = "candidate" if rng.random() < 0.15 else "recruiter"
        found = {s for s in catalogue.roles[pool].must_have if rng.random() < 0.62}
        found |= {s for s in catalogue.roles[pool].nice_to_have if rng.random() < 0.3}
        found |= {s for s in ESSENTIAL_SKILLS if rng.random() < 0.45}
        found |= {s for s in catalogue.future if rng.random() < odds.get(s, 0.1)}
        fits = {
            role: round(
                max(0.0, min(99.0, rng.gauss(_POOL_MEAN.get(role, 58), 16) if role == pool else rng.gauss(22, 11))), 2
            )
            for role in catalogue.roles
        }
        best = max(fits, key=lambda r: (fits[r], r))
        people.append((created, source, found & set(catalogue.skills), fits, best))
    records = [
        Record(
            scores=Scores(
                catalogue_version=catalogue.version,
                fits=fits,
                best_role=best,
                missing_must_have={r: [s for s in catalogue.roles[r].must_have if s not in found] for r in fits},
                skills=dict.fromkeys(sorted(found), 1.0),
            ),
            provenance=Provenance(
                source=source,
                legal_basis="consent" if source == "candidate" else "legitimate_interest",
                created_at=created,
                expires_at=created + timedelta(days=store.config.retention_days),
                created_by=recruiter.id if source == "recruiter" else None,
                consent_at=created if source == "candidate" else None,
                demo=True,
            ),
            candidate_ref=f"demo-{rng.getrandbits(48):012x}",
        )
        for created, source, found, fits, best in people
    ]
    with store.writing("add the demo assessments") as connection:
        ids = insert_records(connection, records)
        decision_rows = []
        for assessment_id, (created, source, *_) in zip(ids, people, strict=True):
            if source != "recruiter" or rng.random() >= 0.3:
                continue
            decision = rng.choices(DECISIONS, [0.25, 0.35, 0.4])[0]
            # Half of the holds and rejections come after a shortlist (the HR funnel shows them).
            history = ("shortlist", decision) if decision != "shortlist" and rng.random() < 0.5 else (decision,)
            decision_rows += [
                {
                    "assessment_id": assessment_id,
                    "user_id": recruiter.id,
                    "decision": d,
                    "reason": "demo decision",
                    "created_at": created + timedelta(days=2 + n),
                }
                for n, d in enumerate(history)
            ]
        if decision_rows:
            connection.execute(decisions.insert(), decision_rows)
