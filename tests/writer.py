"""A process that writes to the store, for the crash and fault tests.

    python -m tests.writer URL                    # single saves until killed: "saved <id>" after each
    python -m tests.writer URL --batch-size 50    # whole batches until killed: "saved batch <name>"
    python -m tests.writer URL --batch-size 50 --once   # one batch; a StoreError is one line, exit 1

It builds assessments by hand (no scikit-learn), so it starts fast.
"""

from __future__ import annotations

import argparse
import secrets
import sys

from hcdev_match.errors import StoreError
from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit
from hcdev_match.storage.store import Store

ROLES = ("ehr", "imaging", "mobile", "cds", "telemedicine", "device", "analytics")


def synthetic_assessment(n: int) -> Assessment:
    fits = tuple(
        RoleFit(role, role, float((n * 7 + i * 13) % 100), 0.1, missing={"must_have": ("fhir",)})
        for i, role in enumerate(ROLES)
    )
    ordered = tuple(sorted(fits, key=lambda f: -f.fit))
    return Assessment("test", ordered, (), DomainEvidence(1.0, 1.0), 500)


def save_batch(store: Store, size: int) -> str:
    name = "b-" + secrets.token_hex(6)
    store.save_assessments(
        [synthetic_assessment(n) for n in range(size)],
        actor="writer",
        source="recruiter",
        legal_basis="contract",
        batch=name,
    )
    return name


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--batch-size", type=int, default=0)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args(argv)
    try:
        store = Store.from_url(args.url)
        n = 0
        while True:
            if args.batch_size:
                print(f"saved batch {save_batch(store, args.batch_size)}", flush=True)
            else:
                saved = store.save_assessment(
                    synthetic_assessment(n), actor="writer", source="recruiter", legal_basis="contract"
                )
                print(f"saved {saved.id}", flush=True)
            n += 1
            if args.once:
                return 0
    except StoreError as exc:
        print(f"error: {exc}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
