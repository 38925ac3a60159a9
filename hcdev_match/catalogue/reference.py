"""The reference corpus the IDF is fitted on: texts the project wrote and ships."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import CatalogueError

__all__ = ["DEFAULT_REFERENCE_DIR", "load_reference_corpus"]

#: The corpus the package ships: package data, found through importlib.resources wherever it is installed.
DEFAULT_REFERENCE_DIR: Traversable = files("hcdev_match.catalogue").joinpath("data", "reference")


def load_reference_corpus(directory: str | Path | Traversable = DEFAULT_REFERENCE_DIR) -> list[str]:
    """Read every ``.txt`` file of the reference corpus, in name order."""
    folder = Path(directory) if isinstance(directory, str) else directory
    texts = (
        sorted((t for t in folder.iterdir() if t.name.endswith(".txt")), key=lambda t: t.name)
        if folder.is_dir()
        else []
    )
    if not texts:
        raise CatalogueError(
            f"{folder}: no reference texts (*.txt) found; the IDF needs a folder of them (the package ships one)"
        )
    return [t.read_text(encoding="utf-8") for t in texts]
