"""A process that saves assessments until it is killed: `python -m tests.writer URL`.

After each commit it prints "saved <id>", so whoever kills it knows which
saves were reported. It builds assessments by hand (no scikit-learn), so
it starts fast.
"""

from __future__ import annotations

import sys

from hcdev_match.assessment import Assessment, DomainEvidence, RoleFit
from hcdev_match.store import Store


def synthetic_assessment(n: int) -> Assessment:
    fits = tuple(
        RoleFit(role, role, float((n * 7 + i * 13) % 100), 0.1, missing={"must_have": ("fhir",)})
        for i, role in enumerate(("ehr", "imaging", "mobile", "cds", "telemedicine", "device", "analytics"))
    )
    ordered = tuple(sorted(fits, key=lambda f: -f.fit))
    return Assessment("test", ordered, (), DomainEvidence(1.0, 1.0), 500)


def main(url: str) -> None:
    store = Store.from_url(url)
    n = 0
    while True:
        saved = store.save_assessment(
            synthetic_assessment(n), actor="writer", source="recruiter", legal_basis="contract"
        )
        print(f"saved {saved.id}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1])
