"""Who holds the writer's turn, and which jobs it takes (issue 17).

One thread at a time decides a batch of jobs and commits it: it holds the turn. That is the
writer's own thread, or, when no thread holds the turn, no job waits and no other caller
waits for an answer, the thread that submits a job: it then decides and commits its own job,
with those that arrive meanwhile, instead of handing it to the writer's thread and waiting to
be woken (a hand-over there and one back, ~0.4 ms of a lone request's ~5 ms on the
development machine). While a turn is held, jobs queue, and the writer's thread takes the
next turn. The writer's thread takes no job before
it holds the turn (``JobQueue.wait``), so a job that arrives while another thread's turn is
open can still join that turn."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from privatelink.application.job_queue import JobQueue
from privatelink.application.jobs import Job, nonce_of

MAX_BATCH = 64


class WriterTurns:
    """The turn and the queue of a writer; ``_run_timed`` decides and commits a batch."""

    def __init__(self) -> None:
        self.jobs: JobQueue[Job | None] = JobQueue()
        self._stopping = False
        self._turn = threading.Lock()  # held by the thread deciding a batch
        self._holder: int | None = None  # that thread's ident
        self._callers: set[int] = set()  # the jobs whose callers wait for their answers
        self.thread = threading.Thread(target=self._loop, name="command-executor", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def in_writer(self) -> bool:
        """Whether this thread is deciding a batch (the writer's, or a caller's own turn)."""
        return self._holder == threading.get_ident()

    def _run_timed(self, batch: list[Job]) -> None:
        raise NotImplementedError

    @contextmanager
    def _handed_over(self, job: Job) -> Iterator[None]:
        """``job`` run in this thread (``_run_here``) or queued for the writer's; the block
        waits for its answer."""
        self._callers.add(id(job))
        try:
            if not self._run_here(job):
                self.jobs.put(job)
            yield
        finally:
            self._callers.discard(id(job))

    def _run_here(self, job: Job) -> bool:
        """Decide and commit ``job`` in this thread when it is the only job submitted and not
        answered (a lone caller: with several, the writer's own thread batches them, without
        its turns hopping from thread to thread) and no thread holds the turn."""
        if self._stopping or len(self._callers) > 1 or not self.jobs.empty():
            return False
        if not self._turn.acquire(blocking=False):
            return False
        try:
            self._take_turn([job])
        finally:
            self._turn.release()
        return True

    def _loop(self) -> None:
        while not self._stopping:
            self.jobs.wait()  # not taken yet: another thread's open turn may still take it
            with self._turn:
                self._take_turn([])

    def _take_turn(self, batch: list[Job]) -> None:
        self._holder = threading.get_ident()
        try:
            self._drain(batch)
            if batch:
                self._run_timed(batch)
        finally:
            self._holder = None

    def _drain(self, batch: list[Job], late: list[Job] | None = None) -> None:
        """Add the jobs waiting now (up to MAX_BATCH); in an open turn, those it has not the
        nonces of go to ``late``."""
        while len(batch) + len(late or ()) < MAX_BATCH and not self._stopping:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return
            if job is None:  # kept for the writer's thread, which may be waiting for a job
                self._stopping = True
                self.jobs.put(None)
                return
            (late if late is not None and nonce_of(job) else batch).append(job)
