"""Run one function over many inputs and lose none of them.

Three runners share one contract: given a list of tasks and a function
``fn(task) -> dict``, yield ``(index, result)`` exactly once per task, in the
order results arrive.  A task whose function raises, whose worker dies or
which runs past its time limit yields a *failure record* (:func:`failure`)
instead of a result, so ``len(results) == len(tasks)`` always.

* :func:`run_inprocess` — one task after another in this process (``jobs=1``;
  for debugging).  Exceptions are recorded; a time limit cannot be enforced
  and a crash of the interpreter ends the whole run.
* :func:`run_processes` — a pool of worker processes managed here, one task
  per worker at a time, each with its own pipe.  A worker past its deadline
  is killed (``SIGKILL``) and replaced; a worker that dies (``os._exit``, a
  segfault, the OOM killer) is noticed through its process sentinel and
  replaced.  In both cases only the task it held is recorded as failed.
  Workers are recycled after ``max_tasks_per_worker`` tasks to bound leaks.
* :func:`run_dask` — chunks of tasks as ``dask.distributed`` futures.  A
  chunk whose worker dies is re-run one task per future, so one bad file
  costs only itself.  The time limit is enforced by waiting on a thread:
  the file is recorded as failed, but Python cannot stop the thread, which
  keeps its Dask worker thread busy until it returns (see docs/SCALE.md).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait

__all__ = ["failure", "default_jobs", "run_inprocess", "run_processes", "run_dask"]

log = logging.getLogger(__name__)

#: Error class recorded for a file whose worker ran past the time limit.
TIMEOUT = "Timeout"
#: Error class recorded for a file whose worker process died.
CRASHED = "WorkerCrashed"


def failure(source: str, error: str, reason: str, **extra) -> dict:
    """Make a failure record: the input, the error class and the reason.

    Parameters
    ----------
    source : str
        The input (path, or ``archive.zip!member``).
    error : str
        Name of the exception class, or ``Timeout`` / ``WorkerCrashed``.
    reason : str
        What went wrong, in words.
    **extra
        More fields (``content_hash``, ``size``, ``cache`` …).

    Returns
    -------
    dict

    Examples
    --------
    >>> failure("a.txt", "Timeout", "took longer than 1 s")["ok"]
    False

    """
    return {"ok": False, "source": source, "error": error, "reason": reason, "cache": False, **extra}


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _source(task, index: int) -> str:
    return str(getattr(task, "source", None) or f"<task {index}>")


def _call(fn: Callable, task, index: int) -> dict:
    try:
        return fn(task)
    except Exception as exc:  # noqa: BLE001 - every input must be accounted for
        return failure(_source(task, index), type(exc).__name__, str(exc) or repr(exc))


# ---------------------------------------------------------------------------
# in-process


def run_inprocess(tasks: Sequence, fn: Callable) -> Iterator[tuple[int, dict]]:
    """Run ``fn`` on each task in this process, recording exceptions.

    Parameters
    ----------
    tasks : sequence
        The tasks.
    fn : callable
        ``fn(task) -> dict``.

    Yields
    ------
    (int, dict)
        Task index and its result or failure record.

    Notes
    -----
    No time limit can be enforced in-process, and a crash of the
    interpreter (``os._exit``, a segfault) ends the run.

    """
    for index, task in enumerate(tasks):
        yield index, _call(fn, task, index)


# ---------------------------------------------------------------------------
# worker processes


def _worker_main(conn, fn: Callable) -> None:
    """Loop of a worker process: receive ``(index, task)``, send the pickled result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, task = msg
        result = _call(fn, task, index)
        try:
            data = pickle.dumps((index, result), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result is a failure, not a loss
            data = pickle.dumps(
                (index, failure(_source(task, index), type(exc).__name__, f"the result could not be sent back: {exc}"))
            )
        try:
            conn.send_bytes(data)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    __slots__ = ("proc", "conn", "index", "task", "deadline", "done")

    def __init__(self, ctx, fn: Callable):
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child_conn, fn), daemon=True, name="govreport-worker")
        self.proc.start()
        child_conn.close()
        self.conn = parent_conn
        self.index: int | None = None
        self.task = None
        self.deadline = float("inf")
        self.done = 0

    def assign(self, index: int, task, timeout: float | None) -> bool:
        try:
            self.conn.send((index, task))
        except (BrokenPipeError, OSError):
            return False
        self.index, self.task = index, task
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        return True

    def release(self) -> None:
        self.index, self.task, self.deadline = None, None, float("inf")
        self.done += 1

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError):  # pragma: no cover - already gone
            pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "the worker process stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker process was killed by {name} while reading this input"
    return f"the worker process exited (exit code {code}) while reading this input"


def run_processes(
    tasks: Sequence,
    fn: Callable,
    *,
    jobs: int,
    timeout: float | None = None,
    max_tasks_per_worker: int = 500,
    start_method: str | None = None,
) -> Iterator[tuple[int, dict]]:
    """Run ``fn`` on each task in worker processes, with a per-task time limit.

    Parameters
    ----------
    tasks : sequence
        Picklable tasks; a task's ``source`` attribute names it in failure records.
    fn : callable
        ``fn(task) -> dict``; module-level (picklable) unless the start method is ``fork``.
    jobs : int
        Number of worker processes.
    timeout : float, optional
        Seconds one task may take; the worker is killed and replaced after that.
    max_tasks_per_worker : int
        Replace a worker after this many tasks.
    start_method : {"fork", "spawn", "forkserver"}, optional
        Default: the platform's multiprocessing default.

    Yields
    ------
    (int, dict)
        Task index and its result or failure record, as they arrive.

    """
    ctx = mp.get_context(start_method)
    pending = deque(enumerate(tasks))
    workers: list[_Worker] = []
    jobs = max(1, min(jobs, len(pending)))
    try:
        while pending or any(w.index is not None for w in workers):
            # hand out work
            for w in [w for w in workers if w.index is None]:
                if w.done >= max_tasks_per_worker or not w.proc.is_alive():
                    workers.remove(w)
                    w.stop()
            while pending and (len(workers) < jobs or any(w.index is None for w in workers)):
                w = next((w for w in workers if w.index is None), None)
                if w is None:
                    w = _Worker(ctx, fn)
                    workers.append(w)
                index, task = pending.popleft()
                if not w.assign(index, task, timeout):
                    pending.appendleft((index, task))
                    workers.remove(w)
                    w.kill()
            busy = [w for w in workers if w.index is not None]
            if not busy:
                continue
            waitables: dict = {}
            for w in busy:
                waitables[w.conn] = w
                waitables[w.proc.sentinel] = w
            next_deadline = min(w.deadline for w in busy)
            wait_for = None if next_deadline == float("inf") else max(0.0, next_deadline - time.monotonic())
            ready = wait(list(waitables), timeout=wait_for)
            seen: set[int] = set()
            for obj in ready:
                w = waitables[obj]
                if id(w) in seen or w.index is None:
                    continue
                seen.add(id(w))
                index, task = w.index, w.task
                result = None
                if w.conn.poll():
                    try:
                        got_index, result = pickle.loads(w.conn.recv_bytes())
                    except (EOFError, OSError):
                        result = None
                    except Exception as exc:  # noqa: BLE001 - a garbled result is a failure
                        got_index, result = index, failure(_source(task, index), type(exc).__name__, f"the result could not be read back: {exc}")
                    if result is not None and got_index != index:  # pragma: no cover - protocol error
                        result = failure(_source(task, index), CRASHED, "the worker answered for another input")
                if result is not None:
                    w.release()
                    yield index, result
                    continue
                # the pipe closed or the process ended without an answer: a crash
                w.proc.join(1)
                code = w.proc.exitcode
                workers.remove(w)
                w.kill()
                log.info("worker died on %s (exit code %s)", _source(task, index), code)
                yield index, failure(_source(task, index), CRASHED, _exit_reason(code))
            now = time.monotonic()
            for w in [w for w in workers if w.index is not None and now >= w.deadline and not w.conn.poll()]:
                index, task = w.index, w.task
                workers.remove(w)
                w.kill()
                log.info("killed the worker reading %s after %s s", _source(task, index), timeout)
                yield index, failure(
                    _source(task, index), TIMEOUT, f"reading took longer than {timeout:g} s; the worker was stopped"
                )
    finally:
        for w in workers:
            if w.index is not None:
                w.kill()
            else:
                w.stop()


# ---------------------------------------------------------------------------
# dask.distributed


def _call_with_timeout(fn: Callable, task, index: int, timeout: float | None) -> dict:
    if not timeout:
        return _call(fn, task, index)
    box: dict = {}

    def target():
        box["result"] = _call(fn, task, index)

    thread = threading.Thread(target=target, daemon=True, name="govreport-task")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return failure(
            _source(task, index), TIMEOUT,
            f"reading took longer than {timeout:g} s; the task was abandoned (its thread cannot be stopped)",
        )
    return box["result"]


def _run_chunk(chunk: list, fn: Callable, timeout: float | None) -> list[tuple[int, dict]]:
    """Dask task: run a chunk of ``(index, task)`` pairs, one after another."""
    return [(index, _call_with_timeout(fn, task, index, timeout)) for index, task in chunk]


def run_dask(
    tasks: Sequence,
    fn: Callable,
    *,
    client,
    timeout: float | None = None,
    chunk_size: int | None = None,
) -> Iterator[tuple[int, dict]]:
    """Run ``fn`` on each task on a ``dask.distributed`` cluster.

    Parameters
    ----------
    tasks : sequence
        Picklable tasks (paths must be readable by the workers).
    fn : callable
        Importable on the workers (``govreport`` installed there).
    client : distributed.Client
        The cluster.
    timeout : float, optional
        Seconds one task may take (enforced by abandoning the thread).
    chunk_size : int, optional
        Tasks per future; default about four futures per worker thread, at most 64 tasks.

    Yields
    ------
    (int, dict)
        Task index and its result or failure record.

    """
    from distributed import as_completed

    items = list(enumerate(tasks))
    if not items:
        return
    if chunk_size is None:
        try:
            threads = sum(client.nthreads().values()) or 1
        except Exception:  # noqa: BLE001 - any client will do
            threads = default_jobs()
        chunk_size = max(1, min(64, -(-len(items) // (threads * 4))))
    chunks = [items[i : i + chunk_size] for i in range(0, len(items), chunk_size)]
    futures = client.map(_run_chunk, chunks, fn=fn, timeout=timeout, pure=False)
    owner = {f.key: chunk for f, chunk in zip(futures, chunks, strict=True)}
    retry: list = []
    for fut in as_completed(futures):
        chunk = owner[fut.key]
        try:
            results = fut.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError …
            log.info("dask chunk of %d failed (%s); retrying one per task", len(chunk), type(exc).__name__)
            retry.extend(chunk)
            continue
        finally:
            fut.release()
        yield from results
    if not retry:
        return
    singles = client.map(_run_chunk, [[item] for item in retry], fn=fn, timeout=timeout, pure=False)
    owner = {f.key: item for f, item in zip(singles, retry, strict=True)}
    for fut in as_completed(singles):
        index, task = owner[fut.key]
        try:
            yield from fut.result()
        except Exception as exc:  # noqa: BLE001 - the file that took its workers down
            kind = CRASHED if type(exc).__name__ == "KilledWorker" else type(exc).__name__
            yield index, failure(_source(task, index), kind, f"the Dask task failed: {type(exc).__name__}: {exc}")
        finally:
            fut.release()
