"""A provider's backend for the data-plane tests: a small HTTP server on a loopback port that
can be stopped and started again on the same port."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = b"x" * 65536


class Backend:
    """``GET /`` answers the backend's name; ``GET /stream`` sends bytes until the client
    goes away."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port = name, port
        self._server: ThreadingHTTPServer | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        name = self.name

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                if self.path == "/stream":
                    self.send_response(200)
                    self.end_headers()
                    try:
                        while True:
                            self.wfile.write(CHUNK)
                    except OSError:
                        return
                body = f"hello from backend {name}\n".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
