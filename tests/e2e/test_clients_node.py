"""Issue 11: the Node.js clients of Alibaba Cloud work against a real ``privatelink serve``:
``@alicloud/pop-core`` (RPC, HMAC-SHA1, GET by default and POST with a form body) and
``@alicloud/openapi-client`` (``callApi``, ACS3 and ``signatureAlgorithm='v2'``), installed
from ``tests/node/package-lock.json`` by ``npm ci``. Skipped, with the reason, only when node
(or npm) is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import CONSUMER, PROVIDER
from tests.e2e.drivers import Node, NodeProcess, node_skip_reason
from tests.e2e.user_guide import run_error_answers, run_user_guide

pytestmark = pytest.mark.e2e

CLIENTS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "pop-core-get": ({"client": "pop-core", "method": "GET"}, ("SignatureDoesNotMatch",)),
    "pop-core-post": ({"client": "pop-core", "method": "POST"}, ("SignatureDoesNotMatch",)),
    "openapi-client-acs3": (
        {"client": "openapi-client", "method": "POST"},
        ("SignatureDoesNotMatch",),
    ),
    "openapi-client-v2-get": (
        {"client": "openapi-client", "method": "GET", "signature_algorithm": "v2"},
        ("SignatureDoesNotMatch",),
    ),
}


@pytest.fixture(scope="module")
def node() -> Iterator[NodeProcess]:
    reason = node_skip_reason()
    if reason:
        pytest.skip(reason)
    process = NodeProcess()
    yield process
    process.close()


@pytest.mark.parametrize("name", list(CLIENTS))
def test_issue_11_user_guide_flow_with_each_node_client(e2e_server, node, name) -> None:
    """The provider/consumer flow of the user guide, every step through the Node.js client."""
    options, _ = CLIENTS[name]
    run_user_guide(
        Node(e2e_server.endpoint, PROVIDER, node=node, **options),
        Node(e2e_server.endpoint, CONSUMER, node=node, **options),
    )


@pytest.mark.parametrize("name", list(CLIENTS))
def test_issue_11_error_answers_with_each_node_client(e2e_server, node, name) -> None:
    """Wrong secret, a missing id and DryRun answer the cloud's codes through the client."""
    options, wrong_secret = CLIENTS[name]
    run_error_answers(Node(e2e_server.endpoint, PROVIDER, node=node, **options), wrong_secret)
