"""Console fixtures: the HTTP app of an in-process runtime driven by httpx, and signed-in
sessions of the demo accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from privatelink.api.http import build_http_app
from privatelink.composition import Runtime
from tests.conftest import CONSUMER, PROVIDER
from tests.console.helpers import ConsoleUser


@pytest.fixture
def app_client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_http_app(runtime)) as client:
        yield client


def session_of(runtime: Runtime, key: tuple[str, str, str]) -> Iterator[ConsoleUser]:
    with TestClient(build_http_app(runtime)) as client:
        yield ConsoleUser(client).sign_in(key)


@pytest.fixture
def provider_ui(runtime: Runtime) -> Iterator[ConsoleUser]:
    yield from session_of(runtime, PROVIDER)


@pytest.fixture
def consumer_ui(runtime: Runtime) -> Iterator[ConsoleUser]:
    yield from session_of(runtime, CONSUMER)
