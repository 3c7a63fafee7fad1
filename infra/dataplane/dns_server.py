"""The DNS server (UDP and TCP) answering from the record view; dnspython does the wire format.

Names outside privatelink.aliyuncs.com are REFUSED (this is no recursive resolver); unknown
names inside it are NXDOMAIN with the zone's SOA, so resolvers cache the negative answer only
as long as a positive one (TTL seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from collections.abc import Callable

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from privatelink.infra.dataplane.records import (
    APEX,
    TTL,
    Answer,
    RecordSet,
    ZoneLocator,
    answer,
    normalize,
)

log = logging.getLogger("privatelink.dataplane")

SOA = f"ns.{APEX}. hostmaster.{APEX}. 1 60 10 3600 {TTL}"
TCP_IDLE = 10.0


class Resolver:
    """Turns one query's wire bytes into the response's, from the current record set."""

    def __init__(self, records: Callable[[], RecordSet], locator: ZoneLocator) -> None:
        self.records = records
        self.locator = locator

    def respond(self, wire: bytes, source: str, udp: bool = False) -> bytes | None:
        """The response to ``wire`` from ``source``; over UDP, cut to the asker's size."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return formerr(wire)
        if query.flags & dns.flags.QR:
            # A response is no question: answering it could loop two servers into each other.
            log.warning("dns: dropped a response (QR bit set) from %s", source)
            return None
        max_size = 65535
        if udp:
            max_size = max(512, query.payload) if query.edns >= 0 else 512
        response, subnet = self._response(query)
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
        elif len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
        else:
            asker = subnet.address if subnet is not None else source
            self._fill(response, query.question[0], asker)
        return self._wire(response, query, max_size)

    def _response(
        self, query: dns.message.Message
    ) -> tuple[dns.message.Message, dns.edns.ECSOption | None]:
        """The authoritative response to ``query``, echoing its client subnet (and that
        subnet, or None)."""
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        subnet = client_subnet(query)
        if subnet is not None:
            response.use_edns(
                0,
                0,
                max(query.payload, 512),
                options=[dns.edns.ECSOption(subnet.address, subnet.srclen, subnet.srclen)],
            )
        return response, subnet

    def _fill(self, response: dns.message.Message, question: dns.rrset.RRset, asker: str) -> None:
        name, rdtype = question.name, dns.rdatatype.to_text(question.rdtype)
        text = name.to_text(omit_final_dot=True)
        if normalize(text) == APEX and rdtype == "SOA":
            response.answer.append(soa_rrset())
            return
        found: Answer = answer(self.records(), self.locator, text, rdtype, asker)
        response.set_rcode(dns.rcode.from_text(found.rcode))
        if found.addresses:
            response.answer.append(
                dns.rrset.from_text_list(
                    name, TTL, dns.rdataclass.IN, question.rdtype, list(found.addresses)
                )
            )
        elif found.rcode != "REFUSED":
            response.authority.append(soa_rrset())

    @staticmethod
    def _wire(response: dns.message.Message, query: dns.message.Message, max_size: int) -> bytes:
        try:
            return response.to_wire(max_size=max_size)
        except dns.exception.TooBig:
            response.answer.clear()
            response.authority.clear()
            response.flags |= dns.flags.TC
            return response.to_wire()


def client_subnet(query: dns.message.Message) -> dns.edns.ECSOption | None:
    for option in query.options:
        if isinstance(option, dns.edns.ECSOption):
            return option
    return None


def soa_rrset() -> dns.rrset.RRset:
    return dns.rrset.from_text(dns.name.from_text(APEX), TTL, "IN", "SOA", SOA)


def formerr(wire: bytes) -> bytes | None:
    """FORMERR for a query too broken to parse, when it has at least a header's id."""
    if len(wire) < 12:
        return None
    (query_id,) = struct.unpack("!H", wire[:2])
    return struct.pack("!HHHHHH", query_id, 0x8000 | dns.rcode.FORMERR, 0, 0, 0, 0)


class UdpProtocol(asyncio.DatagramProtocol):
    """One datagram, one answer (truncated when it would not fit)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            reply = self.resolver.respond(data, addr[0], udp=True)
        except Exception:
            log.exception("dns: answering %s failed", addr)
            return
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


async def serve_tcp_client(
    resolver: Resolver, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Length-prefixed queries on one connection until the client is done or idle."""
    source = str(writer.get_extra_info("peername")[0])
    try:
        while True:
            header = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE)
            (length,) = struct.unpack("!H", header)
            wire = await asyncio.wait_for(reader.readexactly(length), TCP_IDLE)
            reply = resolver.respond(wire, source)
            if reply is None:
                break
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


class DnsServer:
    """UDP and TCP listeners on one host and port."""

    def __init__(self, resolver: Resolver, host: str, port: int) -> None:
        self.resolver, self.host, self.port = resolver, host, port
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None

    async def start(self) -> None:
        """Bind both; OSError (a port in use, say) when either cannot be bound."""
        loop = asyncio.get_running_loop()
        self._udp, _ = await loop.create_datagram_endpoint(
            lambda: UdpProtocol(self.resolver), local_addr=(self.host, self.port)
        )
        try:
            self._tcp = await asyncio.start_server(
                lambda r, w: serve_tcp_client(self.resolver, r, w),
                self.host,
                self.port,
                reuse_address=True,
            )
        except OSError:
            self._udp.close()
            raise

    async def stop(self) -> None:
        if self._udp is not None:
            self._udp.close()
        if self._tcp is not None:
            self._tcp.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._tcp.wait_closed(), 1)
