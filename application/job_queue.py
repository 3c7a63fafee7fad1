"""The writer's queue of jobs (issue 17).

A job is decided by whichever thread holds the writer's turn: the writer's own thread, or,
for a lone caller while the writer is idle, the thread that submits it (one hand-over to
another thread and one back fewer). The writer's thread must therefore not take a job before it
holds the turn: a job taken while another thread's turn is open could no longer join that
turn, and would wait for a batch of its own. So this queue lets a thread wait for a job
without taking it (``wait``), which ``queue.Queue`` does not offer."""

from __future__ import annotations

import queue
import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class JobQueue(Generic[T]):
    """First in, first out; ``wait`` blocks until an item is there, and leaves it there."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._arrived = threading.Condition()

    def put(self, item: T) -> None:
        with self._arrived:
            self._items.append(item)
            self._arrived.notify()

    def get_nowait(self) -> T:
        with self._arrived:
            if not self._items:
                raise queue.Empty
            return self._items.popleft()

    def wait(self) -> None:
        with self._arrived:
            self._arrived.wait_for(lambda: bool(self._items))

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items
