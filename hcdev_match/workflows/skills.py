"""The catalogue's skills as a table a person can filter (the roles and skills page)."""

from __future__ import annotations

from ..catalogue.model import Catalogue

__all__ = ["skill_rows"]


def skill_rows(catalogue: Catalogue, query: str = "") -> list[dict[str, str]]:
    """One row per skill (its label, category and the words that count as it), those matching ``query``."""
    rows = [
        {
            "skill": skill.label,
            "category": catalogue.categories[skill.category].label,
            "also written as": ", ".join(skill.aliases + skill.exact),
        }
        for skill in catalogue.skills.values()
    ]
    needle = query.strip().lower()
    return [row for row in rows if needle in " ".join(row.values()).lower()] if needle else rows
