"""deploy/hcdev-match@.service as systemd reads it: `systemd-analyze verify`, without installing anything.

The unit is verified under a throwaway root holding this machine's system
units (for the targets it depends on) and a stand-in for the checkout's
interpreter, since systemd refuses a unit whose command does not exist.
systemd warns on unknown keys and bad values without failing, so the test
requires it to say nothing at all.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

UNIT = ROOT / "deploy" / "hcdev-match@.service"
SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def verify(unit_text: str, root: Path) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    if analyze is None or not SYSTEM_UNITS.is_dir():
        pytest.skip("systemd-analyze is not installed here (Debian's systemd package)")
    if not (root / "usr/lib/systemd/system").exists():
        shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
        python = root / "opt/hcdev-match/.venv/bin/python"
        python.parent.mkdir(parents=True)
        python.write_text("#!/bin/sh\n")
        python.chmod(0o755)
    (root / "etc/systemd/system").mkdir(parents=True, exist_ok=True)
    (root / "etc/systemd/system" / UNIT.name).write_text(unit_text)
    return subprocess.run(
        [analyze, "verify", f"--root={root}", "--man=no", "hcdev-match@8501.service"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_replica_unit_passes_systemd_analyze_verify_without_a_warning(tmp_path: Path) -> None:
    done = verify(UNIT.read_text(), tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    # The check can fail: a misspelt key and a bad value are reported (as warnings, exit status 0).
    broken = UNIT.read_text().replace("Restart=always", "Restrat=always").replace("=strict", "=stricter")
    done = verify(broken, tmp_path)
    assert "Unknown key 'Restrat'" in done.stderr and "stricter" in done.stderr
