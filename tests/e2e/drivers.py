"""One interface over every real client the product promises to work with: ``call(action,
params) -> body`` where ``params`` is the API's nested form (``{"Zone": [{"ZoneId": ...}]}``)
and ``body`` the answer as a dict; a refusal raises ``CloudError`` with the code and status
the client itself reported. Each driver uses its client exactly as a user would."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
VERSION = "2020-04-15"
REGION = "cn-hangzhou"


class CloudError(Exception):
    """A refusal as the client reported it."""

    def __init__(
        self, code: str, status: int | None, message: str = "", request_id: str | None = None
    ) -> None:
        super().__init__(f"{code} (HTTP {status}): {message}")
        self.code, self.status, self.message, self.request_id = code, status, message, request_id


def flatten(params: Mapping[str, Any]) -> dict[str, str]:
    """``Key.N`` / ``Key.N.Sub`` wire form; booleans as ``true``/``false``, None left out."""
    flat: dict[str, str] = {}

    def put(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub, item in value.items():
                put(f"{key}.{sub}", item)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value, 1):
                put(f"{key}.{index}", item)
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        else:
            flat[key] = str(value)

    for key, value in params.items():
        put(key, value)
    return flat


def snake(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


@dataclass
class Driver:
    """Base: ``endpoint`` of the server, ``key`` = (AccessKey id, secret, uid)."""

    endpoint: str
    key: tuple[str, str, str]

    name = "driver"

    def call(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def with_secret(self, secret: str) -> Driver:
        return type(self)(**{**self.__dict__, "key": (self.key[0], secret, self.key[2])})


# -- the official Python SDK (alibabacloud-privatelink20200415 / alibabacloud-tea-openapi) ------


def _official_client(endpoint: str, key: tuple[str, str, str], **config: Any) -> Any:
    from alibabacloud_privatelink20200415.client import Client
    from alibabacloud_tea_openapi.models import Config

    return Client(
        Config(
            access_key_id=key[0],
            access_key_secret=key[1],
            endpoint=endpoint,
            protocol="http",
            region_id=REGION,
            **config,
        )
    )


def _official_error(error: Exception) -> CloudError:
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    if isinstance(error, AlibabaCloudException):
        data = error.data or {}
        return CloudError(
            str(error.code), error.status_code, str(data.get("Message", "")), data.get("RequestId")
        )
    raise error


@dataclass
class OfficialTyped(Driver):
    """The generated client's typed methods: ``client.create_vpc_endpoint(request)``, or the
    ``*_async`` ones run on an event loop."""

    use_async: bool = False
    name = "official-typed"

    def call(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from alibabacloud_privatelink20200415 import models

        client = _official_client(self.endpoint, self.key)
        request = getattr(models, f"{action}Request")().from_map(dict(params))
        try:
            if self.use_async:
                method = getattr(client, f"{snake(action)}_async")
                response = asyncio.run(method(request))
            else:
                response = getattr(client, snake(action))(request)
        except Exception as error:  # noqa: BLE001 - translated or re-raised
            raise _official_error(error) from None
        return response.body.to_map()


@dataclass
class OfficialCallApi(Driver):
    """``client.call_api(Params(...), OpenApiRequest(query=...))``: the generic path, in the
    given style (RPC/ROA), HTTP method and signature (None = ACS3, 'v2' = HMAC-SHA1)."""

    style: str = "RPC"
    method: str = "POST"
    signature_algorithm: str | None = None
    name = "official-call-api"

    def call(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from alibabacloud_tea_openapi import models as open_api
        from darabonba.runtime import RuntimeOptions

        config = (
            {"signature_algorithm": self.signature_algorithm} if self.signature_algorithm else {}
        )
        client = _official_client(self.endpoint, self.key, **config)
        spec = open_api.Params(
            action=action,
            version=VERSION,
            protocol="HTTP",
            pathname="/",
            method=self.method,
            auth_type="AK",
            style=self.style,
            req_body_type="formData",
            body_type="json",
        )
        request = open_api.OpenApiRequest(query=flatten(params))
        try:
            answer = client.call_api(spec, request, RuntimeOptions())
        except Exception as error:  # noqa: BLE001
            raise _official_error(error) from None
        return dict(answer["body"])


# -- the legacy Python SDK (aliyun-python-sdk-core + aliyun-python-sdk-privatelink) ----------


def _legacy_error(error: Exception) -> CloudError:
    from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException

    if isinstance(error, ServerException):
        return CloudError(
            error.get_error_code(),
            error.get_http_status(),
            error.get_error_msg(),
            error.get_request_id(),
        )
    if isinstance(error, ClientException):
        return CloudError(error.get_error_code(), None, error.get_error_msg())
    raise error


@dataclass
class Legacy(Driver):
    """``AcsClient.do_action_with_exception`` with the per-action request classes of
    aliyun-python-sdk-privatelink (``common=False``; actions it lacks fall back to
    ``CommonRequest``) or with ``CommonRequest`` (``common=True``), sent with ``method``."""

    common: bool = False
    method: str | None = None
    name = "legacy"

    def client(self) -> Any:
        from aliyunsdkcore.client import AcsClient

        return AcsClient(self.key[0], self.key[1], REGION)

    def request(self, action: str, params: Mapping[str, Any]) -> Any:
        from aliyunsdkcore.request import CommonRequest

        cls = None if self.common else _legacy_class(action)
        if cls is None:
            request = CommonRequest(domain=self.endpoint, version=VERSION, action_name=action)
            for key, value in flatten(params).items():
                request.add_query_param(key, value)
        else:
            request = cls()
            for key, value in params.items():
                if key == "RegionId":
                    continue  # the client adds its own region to every request
                setter = getattr(request, f"set_{key}", None) or getattr(request, f"set_{key}s")
                setter(value)
        request.set_endpoint(self.endpoint)
        request.set_protocol_type("http")
        if self.method:
            request.set_method(self.method)
        return request

    def call(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            raw = self.client().do_action_with_exception(self.request(action, params))
        except Exception as error:  # noqa: BLE001
            raise _legacy_error(error) from None
        return dict(json.loads(raw))


def _legacy_class(action: str) -> type | None:
    import importlib

    try:
        module = importlib.import_module(f"aliyunsdkprivatelink.request.v20200415.{action}Request")
    except ImportError:
        return None
    return getattr(module, f"{action}Request")  # type: ignore[no-any-return]


# -- Node.js: @alicloud/pop-core and @alicloud/openapi-client (tests/node/driver.js) ---------


class NodeProcess:
    """One long-lived ``node driver.js``; requests and answers are JSON lines."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("node") or "node", str(NODE_DIR / "driver.js")],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the node driver exited")
        return dict(json.loads(line))

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Node(Driver):
    """A Node.js client (``client``: pop-core or openapi-client) through ``NodeProcess``."""

    node: NodeProcess | None = None
    client: str = "pop-core"
    method: str = "GET"
    signature_algorithm: str | None = None
    name = "node"

    def call(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        assert self.node is not None
        answer = self.node.ask(
            {
                "client": self.client,
                "endpoint": self.endpoint,
                "key": list(self.key[:2]),
                "action": action,
                "params": flatten(params),
                "method": self.method,
                "signatureAlgorithm": self.signature_algorithm,
            }
        )
        if "error" in answer:
            error = answer["error"]
            data = error.get("data") or {}
            raise CloudError(
                str(error["code"]),
                error.get("status"),
                str(data.get("Message", error.get("message", ""))),
                data.get("RequestId"),
            )
        return dict(answer["body"])


def node_skip_reason() -> str | None:
    """Why the Node.js clients cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed: the Node.js client tests need node and npm"
    if not (NODE_DIR / "node_modules" / "@alicloud" / "pop-core").exists():
        npm = shutil.which("npm")
        if npm is None:
            return "npm is not installed: cannot install tests/node (npm ci)"
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            return f"npm ci in tests/node failed: {done.stderr[-500:]}"
    return None
