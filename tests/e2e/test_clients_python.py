"""Issue 11: every real Python client of Alibaba Cloud works against a real ``privatelink
serve``, unmodified, through the user guide's whole flow and its error answers.

- the official SDK (alibabacloud-privatelink20200415 on alibabacloud-tea-openapi): typed sync
  methods, ``*_async`` methods, ``call_api`` in RPC and ROA style, ACS3 and
  ``signature_algorithm='v2'`` (HMAC-SHA1), POST and GET;
- the legacy SDK (aliyun-python-sdk-core + aliyun-python-sdk-privatelink): ``AcsClient`` with
  the per-action request classes and with ``CommonRequest``, POST and GET.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CONSUMER, PROVIDER
from tests.e2e.drivers import Driver, Legacy, OfficialCallApi, OfficialTyped
from tests.e2e.user_guide import run_error_answers, run_user_guide

pytestmark = pytest.mark.e2e

ACS3_WRONG_SECRET = ("SignatureDoesNotMatch",)
# The legacy SDK reads the cloud's RPC mismatch message and names the wrong secret itself
# (with its request classes; a CommonRequest keeps no string to sign to compare with).
LEGACY_WRONG_SECRET = ("InvalidAccessKeySecret",)

CLIENTS: dict[str, tuple[Any, dict[str, Any], tuple[str, ...]]] = {
    "official-sync": (OfficialTyped, {}, ACS3_WRONG_SECRET),
    "official-async": (OfficialTyped, {"use_async": True}, ACS3_WRONG_SECRET),
    "official-call-api-rpc-acs3-post": (OfficialCallApi, {}, ACS3_WRONG_SECRET),
    "official-call-api-rpc-acs3-get": (OfficialCallApi, {"method": "GET"}, ACS3_WRONG_SECRET),
    "official-call-api-rpc-v2-post": (
        OfficialCallApi,
        {"signature_algorithm": "v2"},
        ("SignatureDoesNotMatch",),
    ),
    "official-call-api-rpc-v2-get": (
        OfficialCallApi,
        {"signature_algorithm": "v2", "method": "GET"},
        ("SignatureDoesNotMatch",),
    ),
    "official-call-api-roa-acs3": (OfficialCallApi, {"style": "ROA"}, ACS3_WRONG_SECRET),
    "official-call-api-roa-v2": (
        OfficialCallApi,
        {"style": "ROA", "signature_algorithm": "v2"},
        ("SignatureDoesNotMatch",),
    ),
    "official-call-api-roa-v2-get": (
        OfficialCallApi,
        {"style": "ROA", "method": "GET", "signature_algorithm": "v2"},
        ("SignatureDoesNotMatch",),
    ),
    "legacy-action-classes": (Legacy, {}, LEGACY_WRONG_SECRET),
    "legacy-common-request-get": (Legacy, {"common": True}, ("SignatureDoesNotMatch",)),
    "legacy-common-request-post": (
        Legacy,
        {"common": True, "method": "POST"},
        ("SignatureDoesNotMatch",),
    ),
}


def drivers(endpoint: str, name: str) -> tuple[Driver, Driver, tuple[str, ...]]:
    cls, options, wrong_secret = CLIENTS[name]
    return cls(endpoint, PROVIDER, **options), cls(endpoint, CONSUMER, **options), wrong_secret


@pytest.mark.parametrize("name", list(CLIENTS))
def test_issue_11_user_guide_flow_with_each_python_client(e2e_server, name) -> None:
    """The provider/consumer flow of the user guide, every step through the named client."""
    provider, consumer, _ = drivers(e2e_server.endpoint, name)
    run_user_guide(provider, consumer)


@pytest.mark.parametrize("name", list(CLIENTS))
def test_issue_11_error_answers_with_each_python_client(e2e_server, name) -> None:
    """Wrong secret, a missing id and DryRun answer the cloud's codes through the client."""
    provider, _, wrong_secret = drivers(e2e_server.endpoint, name)
    run_error_answers(provider, wrong_secret)
