"""A request written straight to a socket: for sizes httpx refuses to send (URLs over 64 KiB)."""

from __future__ import annotations

import socket

from tests.reliability.signing import Answer, SignedRequest


def send_raw(signed: SignedRequest, timeout: float = 60) -> Answer:
    host, port = signed.host.split(":")
    target = signed.url()[len(f"http://{signed.host}") :]
    body = signed.body()
    head = (
        f"POST {target} HTTP/1.1\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in signed.headers().items())
        + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    received = b""
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            sock.sendall(head.encode() + body)
        except OSError:
            pass  # the server may answer and close before reading everything
        while chunk := _recv(sock):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    parts = status_line.split()
    return Answer(int(parts[1]) if len(parts) > 1 else 0, payload)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""
