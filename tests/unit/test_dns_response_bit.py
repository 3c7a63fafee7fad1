"""Issue 16: a DNS message with the response (QR) bit set is dropped with one log line, not a
traceback per datagram."""

from __future__ import annotations

import logging
from typing import Any

import dns.message

from privatelink.infra.dataplane.dns_server import Resolver, UdpProtocol
from privatelink.infra.dataplane.records import RecordSet, ZoneLocator


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def sendto(self, data: bytes, addr: Any) -> None:
        self.sent.append((data, addr))


def test_issue16_a_response_datagram_is_dropped_with_one_line(caplog: Any) -> None:
    """The QR bit set: nothing is sent back, one warning without a traceback is logged."""
    resolver = Resolver(lambda: RecordSet(), ZoneLocator([]))
    protocol = UdpProtocol(resolver)
    transport = FakeTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    query = dns.message.make_query("ep-x.privatelink.aliyuncs.com.", "A")
    wire = dns.message.make_response(query).to_wire()
    with caplog.at_level(logging.INFO, logger="privatelink"):
        protocol.datagram_received(wire, ("127.0.0.1", 5353))
    assert transport.sent == []
    records = [r for r in caplog.records if r.name.startswith("privatelink")]
    assert len(records) == 1 and records[0].exc_info is None
    assert "QR" in records[0].getMessage() and "\n" not in records[0].getMessage()


def test_issue16_a_query_is_still_answered() -> None:
    """The check leaves ordinary queries alone."""
    resolver = Resolver(lambda: RecordSet(), ZoneLocator([]))
    wire = dns.message.make_query("example.com.", "A").to_wire()
    assert resolver.respond(wire, "127.0.0.1") is not None
