"""The reference corpus the IDF is fitted on: texts the project wrote and ships."""

from __future__ import annotations

from pathlib import Path

from ..errors import CatalogueError

__all__ = ["DEFAULT_REFERENCE_DIR", "load_reference_corpus"]

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


def load_reference_corpus(directory: str | Path = DEFAULT_REFERENCE_DIR) -> list[str]:
    """Read every ``.txt`` file of the reference corpus, in name order."""
    directory = Path(directory)
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise CatalogueError(
            f"{directory}: no reference texts (*.txt) found; the IDF needs the corpus in data/reference"
        )
    return [f.read_text(encoding="utf-8") for f in files]
