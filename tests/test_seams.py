"""The seams between the library's parts, checked: what each part names, what it imports, what it warns.

- each subpackage's ``__all__`` lists its modules, sorted, and every module's
  ``__all__`` is sorted, names only what the module holds, and names every
  function and class it defines without a leading underscore;
- importing the presentation code loads neither scikit-learn nor Streamlit;
- storage never imports scoring (it reads an assessment through a protocol);
- a warning fails the test that raised it.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import hcdev_match

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "hcdev_match"
SUBPACKAGES = sorted(p.parent for p in LIBRARY.glob("*/__init__.py"))


def _sort_key(name: str) -> tuple[int, list[object]]:
    """Ruff's RUF022 order (isort style): CONSTANTS, then Classes, then everything else, naturally sorted."""
    group = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return group, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _declared_all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return None


def _public_definitions(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    }


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_sort_key_is_ruffs() -> None:
    names = ["read_path", "Document", "FIT_BANDS", "Assessment", "band_of", "DEFAULT_2", "DEFAULT_10"]
    assert sorted(names, key=_sort_key) == [
        "DEFAULT_2", "DEFAULT_10", "FIT_BANDS", "Assessment", "Document", "band_of", "read_path"
    ]  # fmt: skip


@pytest.mark.parametrize("package", SUBPACKAGES, ids=lambda p: p.name)
def test_each_subpackage_lists_its_modules_sorted(package: Path) -> None:
    declared = _declared_all(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert declared is not None, f"{package.name}/__init__.py has no __all__"
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    modules |= {p.parent.name for p in package.glob("*/__init__.py")}
    assert declared == sorted(modules, key=_sort_key)


@pytest.mark.parametrize(
    "path", sorted(p for p in LIBRARY.rglob("*.py") if p.name != "__main__.py"), ids=lambda p: _module_name(p)
)
def test_each_module_names_what_it_holds_in_a_sorted_all(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = _declared_all(tree)
    assert declared is not None, "no __all__"
    assert declared == sorted(declared, key=_sort_key), "__all__ is not sorted"
    assert len(declared) == len(set(declared)), "__all__ names something twice"
    assert _public_definitions(tree) <= set(declared), "a public function or class is missing from __all__"
    if path.name == "__init__.py" and path.parent in SUBPACKAGES:
        return  # a subpackage's __all__ names its modules (checked above), imported only when asked for
    module = importlib.import_module(_module_name(path))
    assert [name for name in declared if not hasattr(module, name)] == []


def test_the_package_names_resolve() -> None:
    assert [name for name in hcdev_match.__all__ if getattr(hcdev_match, name, None) is None] == []


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(m.split('.')[0] for m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_importing_the_presentation_code_loads_neither_scikit_learn_nor_streamlit() -> None:
    modules = ", ".join(f"hcdev_match.present.{m}" for m in importlib.import_module("hcdev_match.present").__all__)
    loaded = _loaded_after(f"import {modules}")
    assert {"hcdev_match", "pandas", "altair"} <= loaded  # the check can fail: the charts' own libraries show
    assert loaded.isdisjoint({"sklearn", "streamlit", "scipy"})
    assert "sklearn" in _loaded_after("import hcdev_match.scoring.matcher")


def _imports_of_scoring(tree: ast.Module, module: str) -> list[str]:
    """Every import statement (TYPE_CHECKING ones too) in ``module`` that names hcdev_match.scoring."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            targets = [target] + [f"{target}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(t == "hcdev_match.scoring" or t.startswith("hcdev_match.scoring.") for t in targets):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_storage_never_imports_scoring() -> None:
    offenders = {
        path.name: found
        for path in sorted((LIBRARY / "storage").glob("*.py"))
        if (found := _imports_of_scoring(ast.parse(path.read_text(encoding="utf-8")), _module_name(path)))
    }
    assert offenders == {}
    # The check can fail: it sees the imports it is meant to refuse, however they are written.
    for statement in (
        "from ..scoring.assessment import Assessment",
        "from .. import scoring",
        "import hcdev_match.scoring.matcher",
        "from hcdev_match.scoring import assessment",
    ):
        assert _imports_of_scoring(ast.parse(statement), "hcdev_match.storage.store"), statement


def test_a_warning_fails_the_test_that_raised_it() -> None:
    # pyproject.toml's filterwarnings = ["error", ...]: a warning is raised as an exception.
    with pytest.raises(UserWarning, match="left unheeded"):
        warnings.warn("a warning left unheeded", UserWarning, stacklevel=1)


def test_every_fragment_checks_that_the_connection_owns_the_session() -> None:
    """A fragment reruns without the page's checks; webui.sessions.owned_fragment adds the owner check back
    (tests/test_sessions.py attacks it). Here: no other way to make a fragment is used."""
    scripts = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "webui").glob("*.py"))]
    direct = []
    for path in scripts:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "fragment" and path.name != "sessions.py":
                direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == [], f"use webui.sessions.owned_fragment instead of st.fragment: {direct}"


def test_modules_stay_under_300_lines_and_pages_at_80() -> None:
    """A module that outgrows 300 lines holds more than one concept; a page past 80 holds logic."""
    long_modules = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "hcdev_match").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 300
    }
    long_pages = {
        str(p.relative_to(ROOT)): n
        for p in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 80
    }
    assert long_modules == {} and long_pages == {}, (long_modules, long_pages)
