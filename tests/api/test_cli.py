"""The command line: inventory printing and checking."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from privatelink.cli import app
from privatelink.infra.inventory_file import demo_inventory_text, parse_inventory

runner = CliRunner()


def test_inventory_demo_prints_a_valid_inventory() -> None:
    result = runner.invoke(app, ["inventory", "--demo"])
    assert result.exit_code == 0
    assert parse_inventory(result.stdout, "stdout").account("1210000000000001") is not None


def test_inventory_check_accepts_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(demo_inventory_text())
    result = runner.invoke(app, ["inventory", "--check", str(path)])
    assert result.exit_code == 0


def test_inventory_check_names_the_bad_field_and_exits_2(tmp_path: Path) -> None:
    data = yaml.safe_load(demo_inventory_text())
    data["load_balancers"][0]["zones"] = ["cn-hangzhou-x"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["inventory", "--check", str(path)])
    assert result.exit_code == 2
    assert "load_balancers[0].zones[0]" in result.output


def test_serve_refuses_a_bad_inventory_before_starting(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("accounts: [")
    result = runner.invoke(app, ["serve", "--inventory", str(path)])
    assert result.exit_code == 2
