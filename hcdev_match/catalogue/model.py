"""The role and skill catalogue: loading, validation and version."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from ..errors import CatalogueError
from ..text.tokenizer import tokenize_phrase

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "ESSENTIAL_SKILLS",
    "Catalogue",
    "Category",
    "Role",
    "Skill",
    "load_catalogue",
]

#: The catalogue the package ships: package data, found through importlib.resources wherever it is installed.
DEFAULT_CATALOGUE_PATH: Traversable = files("hcdev_match.catalogue").joinpath("data", "catalogue.toml")

#: The healthcare-specific skills the article calls essential to every role (HR tracks how many show
#: them; demo data has them). The future technologies it expects are the catalogue's ``future`` tier.
ESSENTIAL_SKILLS = ("regulatory_compliance", "hipaa", "interoperability", "security", "usability")

EVIDENCE_KINDS = frozenset({"software", "healthcare"})
DESCRIPTION_WORDS = (80, 200)


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    evidence: frozenset[str]


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    category: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...]
    evidence: frozenset[str]


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    summary: str
    description: str
    must_have: tuple[str, ...]
    nice_to_have: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """Roles, skills and signals, as loaded from one TOML file."""

    path: str
    version: str
    name: str
    categories: Mapping[str, Category]
    skills: Mapping[str, Skill]
    roles: Mapping[str, Role]
    general: tuple[str, ...]
    future: tuple[str, ...]
    software_signals: Mapping[str, float]
    healthcare_signals: Mapping[str, float]
    practice_signals: Mapping[str, float]
    ignore: tuple[str, ...]

    def role_tiers(self, role_id: str) -> dict[str, str]:
        """Map each skill a role values to its tier, the highest tier winning."""
        role = self.roles[role_id]
        tiers: dict[str, str] = {}
        for tier, skill_ids in (
            ("must_have", role.must_have),
            ("nice_to_have", role.nice_to_have),
            ("general", self.general),
            ("future", self.future),
        ):
            for skill_id in skill_ids:
                tiers.setdefault(skill_id, tier)
        return tiers


class _Checker:
    """Reads typed fields from one entry and names file, entry and fix on error."""

    def __init__(self, path: str, entry: str, table: Any) -> None:
        self.path, self.entry = path, entry
        if not isinstance(table, dict):
            self.fail(f"must be a table, got {type(table).__name__}", "write it as [" + entry + "]")
        self.table: dict[str, Any] = table

    def fail(self, problem: str, fix: str) -> NoReturn:
        raise CatalogueError(f"{self.path}: [{self.entry}] {problem}; {fix}")

    def only(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.table) - allowed)
        if unknown:
            self.fail(f"has unknown field(s) {unknown}", f"use only {sorted(allowed)}")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.table.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"field '{key}' must be a non-empty string, got {value!r}", f'set {key} = "..."')
        return " ".join(str(value).split())

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.table.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(
                f"field '{key}' must be a list of non-empty strings, got {value!r}",
                f'set {key} = ["...", "..."]',
            )
        return tuple(value)

    def weights(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for phrase, weight in self.table.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                self.fail(f"weight of '{phrase}' must be a number >= 0, got {weight!r}", f'write "{phrase}" = 1.0')
            if not tokenize_phrase(phrase):
                self.fail(f"phrase {phrase!r} has no letters or digits", "remove it or give it words")
            out[phrase] = float(weight)
        return out


def load_catalogue(path: str | Path | Traversable = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    """Load and validate a catalogue TOML file.

    Raises :class:`CatalogueError` naming the file, the entry and the fix when
    anything is missing, misspelt or refers to something that does not exist.
    """
    path = Path(path) if isinstance(path, str) else path
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            f"{path}: cannot read the catalogue ({exc.strerror}); pass the path of a catalogue TOML file"
        ) from None
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid UTF-8 TOML ({exc}); fix the syntax at that place") from None
    return _build(str(path), raw, "c" + hashlib.sha256(raw_bytes).hexdigest()[:12])


def _build(path: str, raw: dict[str, Any], version: str) -> Catalogue:
    top = _Checker(path, "catalogue file", raw)
    top.only({"catalogue", "categories", "skills", "roles", "tiers", "signals", "ignore"})
    for section in ("catalogue", "categories", "skills", "roles"):
        if section not in raw:
            top.fail(f"has no [{section}] section", f"add the [{section}] section")

    meta = _Checker(path, "catalogue", raw["catalogue"])
    meta.only({"name", "source"})

    categories: dict[str, Category] = {}
    for cid, table in raw["categories"].items():
        c = _Checker(path, f"categories.{cid}", table)
        c.only({"label", "evidence"})
        categories[cid] = Category(cid, c.text("label"), _evidence(c, c.strings("evidence")))

    skills: dict[str, Skill] = {}
    alias_owner: dict[tuple[str, ...], str] = {}
    for sid, table in raw["skills"].items():
        c = _Checker(path, f"skills.{sid}", table)
        c.only({"label", "category", "aliases", "exact", "evidence"})
        category = c.text("category")
        if category not in categories:
            c.fail(f"names unknown category '{category}'", f"use one of {sorted(categories)}")
        aliases = c.strings("aliases", required=False)
        exact = c.strings("exact", required=False)
        if not aliases and not exact:
            c.fail("has no aliases", 'give at least one, e.g. aliases = ["' + sid.replace("_", " ") + '"]')
        for alias in aliases + exact:
            tokens = tokenize_phrase(alias)
            if not tokens:
                c.fail(f"alias {alias!r} has no letters or digits", "remove it")
            if alias in aliases:
                owner = alias_owner.setdefault(tokens, sid)
                if owner != sid:
                    c.fail(f"alias {alias!r} also belongs to skill '{owner}'", "keep it in one skill only")
        evidence = _evidence(c, c.strings("evidence")) if "evidence" in c.table else categories[category].evidence
        skills[sid] = Skill(sid, c.text("label"), category, aliases, exact, evidence)

    roles: dict[str, Role] = {}
    for rid, table in raw["roles"].items():
        c = _Checker(path, f"roles.{rid}", table)
        c.only({"label", "summary", "description", "must_have", "nice_to_have", "keywords"})
        description = c.text("description")
        words = len(description.split())
        low, high = DESCRIPTION_WORDS
        if not low <= words <= high:
            c.fail(f"description has {words} words", f"write {low} to {high} words")
        must, nice = c.strings("must_have"), c.strings("nice_to_have", required=False)
        for tier, ids in (("must_have", must), ("nice_to_have", nice)):
            unknown = [s for s in ids if s not in skills]
            if unknown:
                c.fail(f"{tier} names unknown skill(s) {unknown}", "add them under [skills] or fix the id")
        both = sorted(set(must) & set(nice))
        if both:
            c.fail(f"lists {both} as both must_have and nice_to_have", "keep each skill in one tier")
        roles[rid] = Role(
            rid,
            c.text("label"),
            c.text("summary"),
            description,
            must,
            nice,
            c.strings("keywords", required=False),
        )
    if not roles:
        top.fail("has no roles", "add at least one [roles.<id>] table")

    tiers = _Checker(path, "tiers", raw.get("tiers", {}))
    tiers.only({"general", "future"})
    shared = {t: tiers.strings(t, required=False) for t in ("general", "future")}
    for tier, ids in shared.items():
        unknown = [s for s in ids if s not in skills]
        if unknown:
            tiers.fail(f"{tier} names unknown skill(s) {unknown}", "add them under [skills] or fix the id")

    signals = _Checker(path, "signals", raw.get("signals", {}))
    signals.only({"software", "healthcare", "practice"})
    soft, health, practice = (
        _Checker(path, f"signals.{kind}", raw.get("signals", {}).get(kind, {})).weights()
        for kind in ("software", "healthcare", "practice")
    )
    # A practice phrase that contains a skill alias would swallow the skill,
    # so mentioning that skill could lower a fit: refuse it.
    for phrase in practice:
        tokens = tokenize_phrase(phrase)
        for start in range(len(tokens)):
            for end in range(start + 1, len(tokens) + 1):
                holder = alias_owner.get(tokens[start:end])
                if holder is not None:
                    signals.fail(
                        f"practice phrase {phrase!r} contains the alias of skill '{holder}'",
                        "choose a phrase that names no skill",
                    )

    ignore = _Checker(path, "ignore", raw.get("ignore", {}))
    ignore.only({"phrases"})

    return Catalogue(
        path=path,
        version=version,
        name=meta.text("name"),
        categories=MappingProxyType(categories),
        skills=MappingProxyType(skills),
        roles=MappingProxyType(roles),
        general=shared["general"],
        future=shared["future"],
        software_signals=MappingProxyType(soft),
        healthcare_signals=MappingProxyType(health),
        practice_signals=MappingProxyType(practice),
        ignore=ignore.strings("phrases", required=False),
    )


def _evidence(checker: _Checker, kinds: tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(set(kinds) - EVIDENCE_KINDS)
    if unknown:
        checker.fail(f"evidence has unknown kind(s) {unknown}", f"use a subset of {sorted(EVIDENCE_KINDS)}")
    return frozenset(kinds)
