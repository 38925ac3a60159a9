"""Storage: the database, its schema and guard, assessments, accounts, audit, insights and demo data."""

# Its modules: import from them (``from hcdev_match.storage.access import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "access",
    "accounts",
    "audit",
    "batches",
    "database",
    "demo",
    "guard",
    "insight_cache",
    "insight_queries",
    "insights",
    "lookup",
    "migrations",
    "openings",
    "passwords",
    "privacy",
    "rebuild",
    "rows",
    "saving",
    "schema",
    "sessions",
    "small_groups",
    "store",
    "throttle",
]
