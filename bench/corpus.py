"""Generated CVs for benchmarks: realistic length and vocabulary, no real person."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from pathlib import Path

from hcdev_match.catalogue.model import DEFAULT_CATALOGUE_PATH

ROOT = Path(__file__).resolve().parent.parent

_FILLER = [
    "worked closely with product owners and designers to deliver features on time and within scope",
    "mentored junior colleagues and reviewed their changes",
    "wrote clear documentation for the team",
    "took part in planning and retrospectives",
    "improved the reliability of releases",
    "reduced the number of support tickets by fixing long standing defects",
    "presented results to stakeholders and gathered their feedback",
    "supported colleagues during on call weeks",
    "led the migration of an older service to a newer stack",
    "measured performance and removed bottlenecks",
]
_FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Robin", "Casey", "Morgan", "Jamie", "Avery", "Riley"]
_LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Byrne", "Haddad", "Kowalski", "Ngata"]


def _vocabulary() -> tuple[list[str], list[str]]:
    catalogue = tomllib.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    aliases = [a for skill in catalogue["skills"].values() for a in skill.get("aliases", [])]
    keywords = [k for role in catalogue["roles"].values() for k in role.get("keywords", [])]
    return aliases, keywords


def generate_texts(count: int, *, seed: int = 7, length: tuple[int, int] = (600, 900)) -> Iterator[str]:
    """``count`` CV texts of ``length`` (600 to 900 by default) words, one at a time."""
    rng = random.Random(seed)
    aliases, keywords = _vocabulary()
    for _ in range(count):
        target = rng.randint(*length)
        lines = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", "Summary"]
        words = 3
        while words < target:
            skill, other, keyword = rng.choice(aliases), rng.choice(aliases), rng.choice(keywords)
            sentence = (
                f"- {rng.choice(_FILLER).capitalize()} using {skill} and {other}, "
                f"with a focus on {keyword} for the {rng.choice(['clinic', 'team', 'client', 'hospital', 'shop'])}."
            )
            lines.append(sentence)
            words += len(sentence.split())
        yield "\n".join(lines) + "\n"


def generate_cvs(directory: Path, count: int, *, seed: int = 7, length: tuple[int, int] = (600, 900)) -> list[Path]:
    """Write ``count`` CVs of ``length`` (600 to 900 by default) words into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, text in enumerate(generate_texts(count, seed=seed, length=length)):
        path = directory / f"cv_{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
