"""The package installs on its own: `pip install .` into a clean folder, then it scores from anywhere.

The project is copied first (pyproject.toml, README.md, hcdev_match/), so the
build's own folders never land in the checkout; the installed copy then
runs from a folder that holds nothing of the checkout, with only the install
target on its path, and must give the checkout's own result.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .test_cli import run_in_process

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "data" / "samples").glob("*.txt"))[0]


def _run(args: list[str], *, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "HCDEV_DATABASE_URL"}}
    env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_installed_package_scores_a_cv_from_another_folder(tmp_path: Path) -> None:
    source, target, elsewhere = tmp_path / "src", tmp_path / "site", tmp_path / "elsewhere"
    source.mkdir()
    elsewhere.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "hcdev_match", source / "hcdev_match", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--no-build-isolation", "--target", str(target), str(source)]  # fmt: skip
    installed = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    cv = elsewhere / "cv.txt"
    shutil.copy(SAMPLE, cv)

    where = _run(["-c", "import hcdev_match; print(hcdev_match.__file__)"], cwd=elsewhere, pythonpath=target)
    assert where.stdout.strip() == str(target / "hcdev_match" / "__init__.py"), where.stderr
    # The shipped catalogue and reference corpus, read from the installed package, give the checkout's fits.
    installed_json = _run(
        ["-m", "hcdev_match", "score", "cv.txt", "--format", "json"], cwd=elsewhere, pythonpath=target
    )
    checkout_json = run_in_process(["score", str(cv), "--format", "json"], stdin="", cwd=ROOT, env={})
    assert installed_json.returncode == checkout_json.returncode == 0, installed_json.stderr + checkout_json.stderr
    assert installed_json.stdout == checkout_json.stdout
    assert (
        not (target / "data").exists() and (target / "hcdev_match" / "catalogue" / "data" / "catalogue.toml").is_file()
    )
