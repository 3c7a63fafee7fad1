"""The writer's turn without a database (issue 17, application/writer_turns.py): who runs a
batch, what a turn takes from the queue, and the writer's stop."""

from __future__ import annotations

import threading

from privatelink.application.jobs import Job
from privatelink.application.writer_turns import WriterTurns


class Recorded(WriterTurns):
    """Runs no job: records each batch and the thread that ran it; ``gate`` can hold one."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[tuple[str, list[Job]]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.holding = threading.Event()

    def _run_timed(self, batch: list[Job]) -> None:
        self.holding.set()
        self.gate.wait(10)
        self.batches.append((threading.current_thread().name, list(batch)))


def job() -> Job:
    return Job(lambda: ({}, []))


def test_issue17_an_idle_writer_runs_the_callers_batch_in_the_callers_thread() -> None:
    turns = Recorded()
    mine = job()
    assert turns._run_here(mine)
    assert turns.batches == [(threading.current_thread().name, [mine])]
    assert not turns.in_writer()  # only while the batch runs


def test_issue17_while_a_turn_is_held_jobs_queue_for_the_writers_thread_untaken() -> None:
    turns = Recorded()
    turns.gate.clear()
    first = job()
    holder = threading.Thread(target=turns._run_here, args=(first,), name="caller")
    holder.start()
    assert turns.holding.wait(10)
    turns.start()
    later = [job(), job()]
    for queued in later:
        assert not turns._run_here(queued)  # the turn is held: it must queue
        turns.jobs.put(queued)
    assert turns.jobs.qsize() == 2  # the writer's thread takes none before it holds the turn
    turns.gate.set()
    holder.join(10)
    turns.jobs.put(None)
    turns.thread.join(10)
    assert turns.batches == [("caller", [first]), ("command-executor", later)]


def test_issue17_a_caller_does_not_run_its_job_ahead_of_jobs_that_wait() -> None:
    turns = Recorded()
    turns.jobs.put(job())
    assert not turns._run_here(job())
    assert turns.batches == []


def test_issue17_a_turn_that_drains_the_stop_leaves_it_for_the_writers_thread() -> None:
    turns = Recorded()
    queued = job()
    turns.jobs.put(queued)
    turns.jobs.put(None)
    batch: list[Job] = []
    turns._drain(batch)  # as a caller's turn would
    assert batch == [queued] and turns.jobs.qsize() == 1
    turns.start()
    turns.thread.join(10)
    assert not turns.thread.is_alive()
    assert not turns._run_here(job())  # stopping: nothing runs in a caller's thread either


def test_issue17_a_caller_queues_its_job_while_another_caller_waits_for_an_answer() -> None:
    """With other callers still waiting for their answers (e.g. those of a batch just
    committed, not yet woken), the writer's own thread batches the next jobs: a turn does not
    hop to each caller's thread in turn. A lone caller runs its own."""
    turns = Recorded()
    other, mine = job(), job()
    with turns._handed_over(other):  # alone: its turn ran here
        assert turns.batches == [(threading.current_thread().name, [other])]
        done = threading.Event()

        def submit() -> None:
            with turns._handed_over(mine):
                done.set()

        threading.Thread(target=submit).start()
        assert done.wait(10)
        assert turns.jobs.qsize() == 1 and len(turns.batches) == 1  # queued, not run
