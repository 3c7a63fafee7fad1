"""The supervisor of the embedded PostgreSQL: when the postmaster dies under a running server,
it is started again, with a growing pause between attempts (issue 16)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("privatelink")


class EmbeddedPostgres(Protocol):
    """What the supervisor needs of ``infra.embedded.EmbeddedPostgres``."""

    data_dir: Path
    log_path: Path

    @property
    def alive(self) -> bool: ...

    def restart(self) -> None: ...


class Supervisor:
    """Watches the embedded postmaster; when it dies, starts it again (with a growing pause
    between attempts), saying why in the log and in ``state`` for the health answer."""

    def __init__(
        self, embedded: EmbeddedPostgres, interval: float = 0.5, max_pause: float = 10.0
    ) -> None:
        self.embedded = embedded
        self.interval = interval
        self.max_pause = max_pause
        self.state = "running"
        self.restarts = 0
        self.last_error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "embedded",
            "state": self.state,
            "restarts": self.restarts,
            "last_error": self.last_error,
            "log": str(self.embedded.log_path),
        }

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if not self.embedded.alive:
                self._recover()

    def _recover(self) -> None:
        log.warning(
            "the embedded PostgreSQL in %s stopped; starting it again (its log: %s)",
            self.embedded.data_dir,
            self.embedded.log_path,
        )
        pause = self.interval
        attempt = 0
        while not self._stop.is_set():
            attempt += 1
            self.state = f"restarting (attempt {attempt})"
            if self._restart(attempt, pause):
                return
            self._stop.wait(pause)
            pause = min(pause * 2, self.max_pause)

    def _restart(self, attempt: int, pause: float) -> bool:
        """One attempt at restarting the embedded PostgreSQL; whether it runs again."""
        try:
            self.embedded.restart()
        except Exception as error:  # noqa: BLE001 - e.g. its old backends still hold memory
            self.last_error = f"{type(error).__name__}: {error}"[:300]
            log.warning(
                "restarting the embedded PostgreSQL failed (attempt %d): %s; next try in %.1f s",
                attempt,
                self.last_error,
                pause,
            )
            return False
        self.restarts += 1
        self.state = "running"
        log.warning("the embedded PostgreSQL is running again (restart %d)", self.restarts)
        return True
