"""Issue 12: the README's example test runs as it is, in a project of its own, with nothing
but the installed plugin (its fixtures come from the ``pytest11`` entry point), so the
example cannot drift from the product."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- plugin-example:"


def readme_example() -> str:
    text = README.read_text()
    after = text[text.index(MARKER) :]
    found = re.search(r"```python\n(.*?)```", after, re.DOTALL)
    assert found, "the plugin example's code block follows its marker"
    return found.group(1)


def run_pytest(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PRIVATELINK_", "PYTEST_"))
    } | env
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_issue12_readme_example_passes_with_the_installed_plugin(tmp_path: Path) -> None:
    """The example, run twice in one session (two modules): both pass, so the per-test reset
    isolates them; the store is the plugin's default, an embedded PostgreSQL in a temporary
    directory."""
    example = readme_example()
    assert 12 <= len(example.strip().splitlines()) <= 20
    (tmp_path / "test_first.py").write_text(example)
    (tmp_path / "test_second.py").write_text(example)
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_issue12_plugin_fixtures_do_not_clash_with_a_suites_own(
    tmp_path: Path, database_url: str
) -> None:
    """A suite with its own ``server`` and ``runtime`` fixtures keeps them: the plugin's are
    all prefixed ``privatelink``. --privatelink-database-url puts the store in a fresh schema
    of that PostgreSQL, --privatelink-inventory starts it with that inventory."""
    import yaml

    from privatelink.infra.inventory_file import demo_inventory_text

    inventory = yaml.safe_load(demo_inventory_text())
    inventory["vpcs"] = [v for v in inventory["vpcs"] if v["id"] != "vpc-outsider0001"]
    (tmp_path / "inventory.yaml").write_text(yaml.safe_dump(inventory))
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\ndef server():\n    return 'mine'\n\n"
        "@pytest.fixture\ndef runtime():\n    return 'mine too'\n"
    )
    (tmp_path / "test_mine.py").write_text(
        "def test_mine(server, runtime, privatelink):\n"
        "    assert (server, runtime) == ('mine', 'mine too')\n"
        "    assert privatelink.schema.startswith('pl_')\n"
        "    assert privatelink.client('consumer') is not None\n"
        "    vpcs = {v['id'] for v in privatelink.inventory_document()['vpcs']}\n"
        "    assert 'vpc-consumer0001' in vpcs and 'vpc-outsider0001' not in vpcs\n"
    )
    result = run_pytest(
        tmp_path,
        f"--privatelink-database-url={database_url}",
        "--privatelink-inventory=inventory.yaml",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
