"""Issue 15 (a newcomer's first hour) and issue 12 (settings): the command line's help, version,
errors and settings, in process."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from privatelink import __version__
from privatelink.cli import app, serve_settings
from tests.conftest import free_port

runner = CliRunner()
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["history", "show", "diff"])
def test_issue15_help_describes_every_argument_and_option(name: str) -> None:
    """Every parameter of history, show and diff has a description, and flags show as flags."""
    command = COMMANDS[name]
    assert [p.name for p in command.params if not getattr(p, "help", None)] == []
    result = runner.invoke(app, [name, "--help"], terminal_width=120)
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "--json " in result.output


def test_issue15_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"privatelink {__version__}"


def test_issue15_import_of_a_missing_file_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "privatelink",
            "import",
            str(tmp_path / "nope.jsonl"),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.jsonl" in lines[0], result.stderr
    assert not data_dir.exists()


def serve_defaults() -> dict[str, Any]:
    """`serve`'s options exactly as the command line passes them when none is given."""
    return {p.name: p.default for p in COMMANDS["serve"].params}


ENVIRONMENT = [  # (variable, value, setting, expected)
    ("PRIVATELINK_DATA_DIR", "/tmp/pl-data", "data_dir", Path("/tmp/pl-data")),
    ("PRIVATELINK_PROVISION_DELAY", "1.5", "provision_delay", 1.5),
    ("PRIVATELINK_DNS_HOST", "127.0.0.2", "dns_host", "127.0.0.2"),
    ("PRIVATELINK_DNS_PORT", "5399", "dns_port", 5399),
    ("PRIVATELINK_DNS_ENABLED", "false", "dns_enabled", False),
    ("PRIVATELINK_FORWARDERS_ENABLED", "false", "forwarders_enabled", False),
    ("PRIVATELINK_PROBE_INTERVAL", "0.5", "probe_interval", 0.5),
    ("PRIVATELINK_HOST", "127.0.0.3", "host", "127.0.0.3"),
    ("PRIVATELINK_PORT", "8181", "port", 8181),
    ("PRIVATELINK_DB_SCHEMA", "other", "db_schema", "other"),
    ("PRIVATELINK_INVENTORY", "/tmp/inv.yaml", "inventory", Path("/tmp/inv.yaml")),
    ("PRIVATELINK_RUN_PROJECTOR", "false", "run_projector", False),
    ("PRIVATELINK_LOG_LEVEL", "DEBUG", "log_level", "DEBUG"),
    ("PRIVATELINK_LOG_FORMAT", "json", "log_format", "json"),
    ("DATABASE_URL", "postgresql://u@h:1/d", "database_url", "postgresql://u@h:1/d"),
]


@pytest.mark.parametrize(("variable", "value", "setting", "expected"), ENVIRONMENT)
def test_issue12_serve_uses_each_environment_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, setting: str, expected: Any
) -> None:
    """An option not given leaves the setting to the environment (no CLI default wins)."""
    monkeypatch.setenv(variable, value)
    assert getattr(serve_settings(**serve_defaults()), setting) == expected


def test_issue12_a_flag_still_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVATELINK_DNS_PORT", "5399")
    assert serve_settings(**{**serve_defaults(), "dns_port": 5400}).dns_port == 5400


def test_issue12_serve_defaults_are_the_data_plane_on(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, *_ in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    settings = serve_settings(**serve_defaults())
    assert (
        settings.port,
        settings.dns_port,
        settings.dns_enabled,
        settings.forwarders_enabled,
        settings.probe_interval,
    ) == (8080, 8053, True, True, 2.0)


def serve_until_exit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "privatelink",
            "serve",
            "--data-dir",
            str(tmp_path / "store"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_issue15_busy_api_port_fails_at_once_naming_port_and_flag(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_until_exit(tmp_path, "--port", str(port), "--dns-port", str(free_port()))
    assert result.returncode == 2
    assert "listening on" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(port) in lines[0] and "--port" in lines[0], result.stderr
    assert not (tmp_path / "store").exists()  # PostgreSQL never started


def test_issue15_busy_dns_port_fails_at_once_naming_port_and_flag(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = serve_until_exit(tmp_path, "--port", str(free_port()), "--dns-port", str(port))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(port) in lines[0] and "--dns-port" in lines[0], result.stderr
    assert not (tmp_path / "store").exists()


def test_issue12_busy_port_from_the_environment_is_the_one_checked(tmp_path: Path) -> None:
    """PRIVATELINK_PORT is what serve binds: the busy port it names comes from there."""
    import os

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "privatelink", "serve", "--dns-port", str(free_port())],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **os.environ,
                "PRIVATELINK_PORT": str(port),
                "PRIVATELINK_DATA_DIR": str(tmp_path / "store"),
            },
            check=False,
        )
    assert result.returncode == 2 and str(port) in result.stderr, result.stderr


def test_issue12_a_bad_inventory_from_the_environment_is_refused_before_starting(
    tmp_path: Path,
) -> None:
    import os

    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts: [")
    result = subprocess.run(
        [sys.executable, "-m", "privatelink", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "PRIVATELINK_INVENTORY": str(bad),
            "PRIVATELINK_DATA_DIR": str(tmp_path / "store"),
        },
        check=False,
    )
    assert result.returncode == 2 and "bad.yaml" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "store").exists()
