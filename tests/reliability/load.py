"""A steady load of mixed commands through the official SDK, as real clients send it.

Consumer threads create endpoints (a ClientToken each) and rename them; a provider thread
allows and denies their connections. A call that gets no answer (connection refused or
reset, a timeout, a 503) is sent again with the SAME ClientToken until it is answered, which
is what makes a retry safe. The ``Ledger`` remembers every answer, so a test can check after
a crash that everything acknowledged is there, once.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import REGION, VSWITCH, H, I, J

ZONES = (H, I, J)
RETRY_FOR = 60.0  # seconds a client keeps retrying one command before the test gives up


class Unanswered(AssertionError):
    """A command was not answered within RETRY_FOR seconds of retrying."""


@dataclass
class Ledger:
    """What the clients were told. Every field is written under ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    created: dict[str, str] = field(default_factory=dict)  # ClientToken -> EndpointId
    names: dict[str, str] = field(default_factory=dict)  # EndpointId -> last name
    owner: dict[str, str] = field(default_factory=dict)  # EndpointId -> client thread
    decisions: dict[str, str] = field(default_factory=dict)  # EndpointId -> allow|deny
    acknowledged: Counter[str] = field(default_factory=Counter)  # successes by kind
    refused: Counter[str] = field(default_factory=Counter)  # "kind:Code"
    retries: int = 0
    server_errors: list[str] = field(default_factory=list)  # 5xx other than 503
    failures: list[BaseException] = field(default_factory=list)

    def total_acknowledged(self) -> int:
        return sum(self.acknowledged.values())


def answered(call: Callable[[], Any], ledger: Ledger) -> Any:
    """The answer of ``call``, retried until there is one; a refusal (4xx) is an answer and
    is raised. The request object is the same on every attempt: same ClientToken."""
    deadline = time.monotonic() + RETRY_FOR
    while True:
        try:
            return call()
        except ClientException:
            raise
        except ServerException as error:
            last: Exception = error
            if error.code != "ServiceUnavailable":
                with ledger.lock:
                    ledger.server_errors.append(f"{error.status_code} {error.code} {error.data}")
        except Exception as error:  # noqa: BLE001 - no answer at all: refused/reset, timeout
            last = error
        with ledger.lock:
            ledger.retries += 1
        if time.monotonic() > deadline:
            raise Unanswered(f"no answer after {RETRY_FOR}s of retries; last: {last!r}")
        time.sleep(random.uniform(0.02, 0.1))


@dataclass
class Load:
    """Client threads against one server endpoint (or one per thread for several servers)."""

    endpoints: list[str]
    service_id: str
    ledger: Ledger = field(default_factory=Ledger)
    consumers: int = 2
    max_endpoints: int = 240
    go: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    busy: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._busy_lock = threading.Condition()
        self.threads = [
            threading.Thread(target=self._run, args=(f"consumer-{n}", self._consume), daemon=True)
            for n in range(self.consumers)
        ]
        self.threads.append(
            threading.Thread(target=self._run, args=("provider", self._decide), daemon=True)
        )

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        self.go.set()
        for thread in self.threads:
            thread.start()

    def pause(self, timeout: float = 90) -> None:
        """Stop issuing new commands and wait until every command in flight is answered."""
        self.go.clear()
        with self._busy_lock:
            assert self._busy_lock.wait_for(lambda: not +self.busy, timeout), (
                f"commands still unanswered after {timeout}s: {dict(self.busy)}"
            )
        self.check()

    def resume(self) -> None:
        self.go.set()

    def stop(self) -> None:
        self.pause()
        self.done.set()
        self.go.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def check(self) -> None:
        if self.ledger.failures:
            raise self.ledger.failures[0]

    # -- the threads -----------------------------------------------------------------------

    def _run(self, name: str, step: Callable[[Any, random.Random, str], None]) -> None:
        rng = random.Random(f"{name}-{time.time_ns()}")
        key = PROVIDER if name == "provider" else CONSUMER
        index = int(name.rsplit("-", 1)[-1]) if name != "provider" else 0
        client = sdk_client(self.endpoints[index % len(self.endpoints)], key)
        while True:
            self.go.wait()
            if self.done.is_set():
                return
            with self._busy_lock:
                if not self.go.is_set():
                    continue
                self.busy[name] += 1
            try:
                step(client, rng, name)
            except BaseException as error:  # noqa: BLE001 - reported by pause()/check()
                self.ledger.failures.append(error)
                self.go.clear()
            finally:
                with self._busy_lock:
                    self.busy[name] -= 1
                    self._busy_lock.notify_all()
            time.sleep(rng.uniform(0, 0.01))

    def _consume(self, client: Any, rng: random.Random, name: str) -> None:
        # Each thread renames only its own endpoints: renames of one endpoint are then never
        # in flight together, so "the last acknowledged name" is well defined.
        with self.ledger.lock:
            mine = [e for e, owner in self.ledger.owner.items() if owner == name]
            count = len(self.ledger.created)
        if count < self.max_endpoints and (not mine or rng.random() < 0.4):
            self._create(client, rng, name)
        else:
            self._rename(client, rng.choice(mine))

    def _create(self, client: Any, rng: random.Random, name: str) -> None:
        token = uuid.uuid4().hex
        zone = rng.choice(ZONES)
        request = pl.CreateVpcEndpointRequest(
            region_id=REGION,
            vpc_id="vpc-consumer0001",
            service_id=self.service_id,
            security_group_id=["sg-consumer0001"],
            client_token=token,
            zone=[pl.CreateVpcEndpointRequestZone(zone_id=zone, v_switch_id=VSWITCH[zone])],
        )
        response = self._send("create", lambda: client.create_vpc_endpoint(request))
        if response is not None:
            endpoint_id = response.body.endpoint_id
            with self.ledger.lock:
                self.ledger.created[token] = endpoint_id
                self.ledger.names.setdefault(endpoint_id, "")
                self.ledger.owner[endpoint_id] = name

    def _rename(self, client: Any, endpoint_id: str) -> None:
        name = f"n{uuid.uuid4().hex[:12]}"
        request = pl.UpdateVpcEndpointAttributeRequest(
            region_id=REGION,
            endpoint_id=endpoint_id,
            endpoint_name=name,
            client_token=uuid.uuid4().hex,
        )
        if self._send("rename", lambda: client.update_vpc_endpoint_attribute(request)):
            with self.ledger.lock:
                self.ledger.names[endpoint_id] = name

    def _decide(self, client: Any, rng: random.Random, name: str) -> None:
        with self.ledger.lock:
            endpoints = list(self.ledger.created.values())
        if not endpoints:
            time.sleep(0.01)
            return
        endpoint_id = rng.choice(endpoints)
        with self.ledger.lock:
            last = self.ledger.decisions.get(endpoint_id)
        kind = "deny" if last == "allow" else "allow"
        model = (
            pl.DisableVpcEndpointConnectionRequest
            if kind == "deny"
            else pl.EnableVpcEndpointConnectionRequest
        )
        request = model(
            region_id=REGION,
            service_id=self.service_id,
            endpoint_id=endpoint_id,
            client_token=uuid.uuid4().hex,
        )
        method = (
            client.disable_vpc_endpoint_connection
            if kind == "deny"
            else client.enable_vpc_endpoint_connection
        )
        if self._send(kind, lambda: method(request)):
            with self.ledger.lock:
                self.ledger.decisions[endpoint_id] = kind

    def _send(self, kind: str, call: Callable[[], Any]) -> Any:
        try:
            response = answered(call, self.ledger)
        except ClientException as error:
            with self.ledger.lock:
                self.ledger.refused[f"{kind}:{error.code}"] += 1
            return None
        with self.ledger.lock:
            self.ledger.acknowledged[kind] += 1
        return response
