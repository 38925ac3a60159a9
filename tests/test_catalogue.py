"""The catalogue: the shipped one is complete, and bad entries are named with a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hcdev_match.catalogue.model import DEFAULT_CATALOGUE_PATH, load_catalogue
from hcdev_match.errors import CatalogueError

from .conftest import TINY_DESCRIPTION, write_tiny_catalogue

ARTICLE_ROLES = {"ehr", "imaging", "mobile", "cds", "telemedicine"}
ARTICLE_SKILLS = {
    "java", "python", "cpp", "javascript", "problem_solving", "communication", "adaptability",
    "attention_to_detail", "regulatory_compliance", "interoperability", "security", "usability",
    "machine_learning", "iot", "blockchain", "ar_vr", "hipaa",
}  # fmt: skip


def test_shipped_catalogue_has_the_seven_roles_with_tiered_skills() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.roles) == ARTICLE_ROLES | {"device", "analytics"}
    for role in catalogue.roles.values():
        assert 80 <= len(role.description.split()) <= 200, role.id
        assert role.must_have and role.nice_to_have, role.id
        assert role.label and role.summary


def test_shipped_catalogue_names_every_skill_the_article_names() -> None:
    assert set(load_catalogue().skills) >= ARTICLE_SKILLS


@pytest.mark.parametrize(
    ("skill", "alias"),
    [("javascript", "js"), ("ehr", "emr"), ("ehr", "electronic medical record"), ("cpp", "c++"),
     ("csharp", "c#"), ("dotnet", ".net"), ("hl7", "hl7 v2"), ("fhir", "fhir r4"),
     ("telehealth", "telemedicine"), ("rpm", "remote monitoring"), ("ar_vr", "augmented reality"),
     ("machine_learning", "machine learning")],
)  # fmt: skip
def test_shipped_catalogue_knows_common_abbreviations(skill: str, alias: str) -> None:
    assert alias in load_catalogue().skills[skill].aliases


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    copy = tmp_path / "catalogue.toml"
    shutil.copy(DEFAULT_CATALOGUE_PATH, copy)
    assert load_catalogue(copy).version == load_catalogue().version
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_catalogue(copy).version != load_catalogue().version


def test_unknown_skill_in_a_role_names_file_entry_and_fix(tmp_path: Path) -> None:
    roles = f"""
[roles.one]
label = "Role one"
summary = "x"
description = "{TINY_DESCRIPTION}"
must_have = ["alpha", "omega"]
"""
    path = write_tiny_catalogue(tmp_path, roles=roles)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    message = str(info.value)
    assert str(path) in message and "[roles.one]" in message and "'omega'" in message
    assert "add them under [skills]" in message


def test_short_description_is_refused(tmp_path: Path) -> None:
    roles = """
[roles.one]
label = "Role one"
summary = "x"
description = "too short"
must_have = ["alpha"]
"""
    with pytest.raises(CatalogueError, match=r"\[roles.one\] description has 2 words; write 80 to 200 words"):
        load_catalogue(write_tiny_catalogue(tmp_path, roles=roles))


def test_alias_shared_by_two_skills_is_refused(tmp_path: Path) -> None:
    extra = '[skills.delta]\nlabel = "Delta"\ncategory = "tech"\naliases = ["alfa"]\n'
    with pytest.raises(CatalogueError, match=r"\[skills.delta\] alias 'alfa' also belongs to skill 'alpha'"):
        load_catalogue(write_tiny_catalogue(tmp_path, extra=extra))


def test_misspelt_field_is_refused(tmp_path: Path) -> None:
    extra = '[skills.delta]\nlabel = "Delta"\ncategory = "tech"\nalias = ["delta"]\n'
    with pytest.raises(CatalogueError, match=r"\[skills.delta\] has unknown field\(s\) \['alias'\]"):
        load_catalogue(write_tiny_catalogue(tmp_path, extra=extra))


def test_practice_phrase_that_swallows_a_skill_is_refused(tmp_path: Path) -> None:
    extra = '[signals.practice]\n"alpha ward" = 1.0\n'
    with pytest.raises(CatalogueError, match="contains the alias of skill 'alpha'"):
        load_catalogue(write_tiny_catalogue(tmp_path, extra=extra))


def test_broken_toml_and_missing_file_are_errors_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[catalogue\nname =", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid UTF-8 TOML"):
        load_catalogue(bad)
    with pytest.raises(CatalogueError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "missing.toml")
