"""``privatelink check``: the store keeps its own promises (issue 10). Every aggregate's
versions run from 1 without a gap, and every snapshot equals the replay of its events."""

from __future__ import annotations

from typing import Any

from privatelink.cli_base import DatabaseUrl, DataDir, Schema, app, console, fail, settings_for


def report_problems(runtime: Any) -> None:
    """Run the check on an open runtime: print what it found and exit 1 on any problem."""
    from privatelink.infra.check import check_store

    problems = check_store(runtime.app)
    for problem in problems:
        console.print(f"[red]{problem}[/red]")
    if problems:
        fail(
            f"the store has {len(problems)} integrity problem(s); the first: {problems[0]}", code=1
        )
    console.print(
        "store checked: every aggregate's versions are contiguous and every "
        "snapshot equals the replay of its events"
    )


@app.command()
def check(
    data_dir: DataDir = None, database_url: DatabaseUrl = None, schema: Schema = None
) -> None:
    """Check the event store: versions contiguous from 1, snapshots equal to replay."""
    from privatelink.composition import open_runtime

    settings = settings_for(data_dir=data_dir, database_url=database_url, db_schema=schema)
    with open_runtime(settings, serve=False) as runtime:
        report_problems(runtime)
