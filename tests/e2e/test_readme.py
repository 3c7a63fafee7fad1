"""Issue 15: the README's quick start works on copy-paste. The test runs the Python block of
the "Quick start with the official SDK" section against a real server, so the README cannot
drift from the product."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Server

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Quick start with the official SDK"


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_issue15_quick_start_pins_the_sdk_the_project_tests_with() -> None:
    pyproject = (README.parent / "pyproject.toml").read_text()
    pinned = re.search(r'"(alibabacloud-privatelink20200415==[\d.]+)"', pyproject)
    assert pinned is not None
    install = "\n".join(blocks(section(README.read_text(), SECTION), "bash"))
    assert f"pip install {pinned.group(1)}" in install


def test_issue15_quick_start_runs_as_written(server: Server, tmp_path: Path) -> None:
    """The block, with the test server's address for the default one, ends Connected."""
    (code,) = blocks(section(README.read_text(), SECTION), "python")
    assert '"127.0.0.1:8080"' in code
    script = tmp_path / "quickstart.py"
    script.write_text(code.replace('"127.0.0.1:8080"', f'"{server.endpoint}"'))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    first, last = done.stdout.strip().splitlines()
    assert first.startswith("ep-") and last.startswith("ep-") and last.endswith(" Connected")
