"""House rules that keep the library a library."""

from __future__ import annotations

import re

import hcdev_match

from .conftest import ROOT


def test_library_never_imports_streamlit() -> None:
    for path in (ROOT / "hcdev_match").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path.name


def test_library_reads_no_environment_variables() -> None:
    for path in (ROOT / "hcdev_match").rglob("*.py"):
        if path.parent.name == "cli":
            continue  # the CLI is an application, not the library
        assert "os.environ" not in path.read_text() and "getenv" not in path.read_text(), path.name


def test_public_names_are_importable() -> None:
    for name in hcdev_match.__all__:
        assert getattr(hcdev_match, name) is not None
