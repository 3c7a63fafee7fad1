"""The plugin's own fixtures, on the test database: ``privatelink_server`` is overridden to
keep its store in a fresh schema of the suite's PostgreSQL (no embedded one per module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from privatelink.testing import PrivateLinkServer


@pytest.fixture(scope="module")
def privatelink_server(database_url: str) -> Iterator[PrivateLinkServer]:
    with PrivateLinkServer(database_url=database_url) as server:
        yield server
