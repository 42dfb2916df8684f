"""Reproducible installs (issue 15): `make lock-check`, which CI and every install run, passes
on the committed lock and fails with a message once pyproject.toml changes without relocking.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_copy(tmp_path):
    if not (ROOT / ".venv" / "bin" / "uv").exists():
        pytest.skip("uv is installed into .venv by `make install`")
    for name in ("pyproject.toml", "uv.lock", "Makefile", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    return tmp_path


def _lock_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "lock-check"], cwd=folder,
                          capture_output=True, text=True, timeout=180, check=False)


def test_the_committed_lock_matches_pyproject(project_copy):
    result = _lock_check(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_pin_without_relocking_fails_with_a_message(project_copy):
    pyproject = project_copy / "pyproject.toml"
    text = pyproject.read_text()
    assert '"openpyxl>=3.1,<4"' in text
    pyproject.write_text(text.replace('"openpyxl>=3.1,<4"', '"openpyxl>=3.0,<3.1"'))

    result = _lock_check(project_copy)

    assert result.returncode != 0
    assert "uv.lock does not match pyproject.toml" in result.stdout
    assert "Run 'make lock'" in result.stdout
