"""The web app's changes of the index (build, add, remove), run in one worker process of their own.

Analysing texts is CPU work: spaCy attribution and torch encoding. Run in the server's process, it would hold the GIL
and a question would wait for it. So the page hands each change to one persistent worker process instead:

- started on the first change with the ``spawn`` method, and kept for the next ones;
- offline (``settings.OFFLINE_ENV``) and with torch on 1 thread,
  set before any model loads, so that the server keeps the other cores for questions;
- it performs the change through the Python API (:class:`assistant.api.Assistant`) on the index folder; the store's
  writer takes the index's writer lock and is crash-safe;
- it reports ``("progress", fraction, message)`` and then ``("done", summary)`` or ``("error", one line)`` over a pipe;
  the server relays the progress to the page and, when the change is done, reopens the index.

Data flows one way: the server sends a :class:`Job`, the worker sends back what happened; the worker never calls the
server. A pipe and not a ``multiprocessing.Queue``: the server holds the only other end, so a killed worker is an
``EOFError`` at once, never a half-written message or a queue lock held by a dead process.

Cancel kills the worker (SIGKILL). The store's writer is crash-safe: the last committed index stays in force and the
next change removes what the killed one left. The next change starts a fresh worker.
"""

from __future__ import annotations

import os
import threading

from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import settings
from ..errors import AssistantError, failure_line, printable
from ..schema import Document, Progress

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess


Kind = Literal["build", "add", "remove"]

WORKER_ENV = {
    **settings.OFFLINE_ENV,
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "ASSISTANT_THREADS": "1",
    "ASSISTANT_BUILD_THREADS": "1",
}
"""Set in the worker before anything heavy is imported: offline (``settings.OFFLINE_ENV``), and one thread for
torch, BLAS and OpenMP."""

POLL_SECONDS = 0.1
"""How often the server looks whether the worker is still alive while it waits for its next message."""
CANCELLED = "the change was cancelled; the index is unchanged."
SAVED_BEFORE_CANCEL = "the change was already saved when it was cancelled"


@dataclass(frozen=True)
class Job:
    """One change of one index: ``build`` replaces it with ``documents``, ``add`` adds (or replaces by id)
    ``documents``, ``remove`` takes ``doc_ids`` out."""

    kind: Kind
    index_dir: Path
    documents: tuple[Document, ...] = ()
    doc_ids: tuple[str, ...] = ()


class ChangeCancelled(AssistantError):
    """The change was cancelled before it was saved: the index is as it was."""


# ----- the worker process -----

def perform(job: Job, progress: Progress) -> str:
    """Do one change through the Python API; returns its one-line summary (``Change`` as text)."""
    from ..api import Assistant

    if job.kind == "build":
        return str(Assistant.build_documents(list(job.documents), job.index_dir, progress=progress))
    if job.kind == "add":
        return str(Assistant.load(job.index_dir).add_documents(list(job.documents), progress=progress))
    if job.kind == "remove":
        return str(Assistant.load(job.index_dir).remove(list(job.doc_ids)))
    raise AssistantError(f"unknown change {printable(job.kind, 20)}.")


def serve_jobs(connection: Connection) -> None:
    """The worker's main loop: one job at a time until the server says stop (``None``) or goes away."""
    os.environ.update(WORKER_ENV)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the server has gone
        if job is None:
            return

        def progress(fraction: float, message: str) -> None:
            connection.send(("progress", float(fraction), str(message)))

        try:
            reply: tuple[Any, ...] = ("done", perform(job, progress))
        except BaseException as error:  # noqa: BLE001 - every failure goes back as one line
            if isinstance(error, (KeyboardInterrupt, SystemExit, BrokenPipeError)):
                return
            reply = ("error", failure_line(error))
        try:
            connection.send(reply)
        except (BrokenPipeError, OSError):
            return


# ----- the server's side -----

def _manifest_bytes(index_dir: Path) -> bytes | None:
    try:
        return (index_dir / "manifest.json").read_bytes()
    except OSError:
        return None


class BuildWorker:
    """The server's handle on the worker process: :meth:`run` one job at a time, :meth:`cancel` from any thread."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._one_at_a_time = threading.Lock()
        self._state = threading.Lock()  # guards the fields below between run() and cancel()
        self._running = False
        self._cancelled = False

    @property
    def running(self) -> bool:
        """True while a change is being made."""
        return self._running

    @property
    def pid(self) -> int | None:
        """The worker process's id (None before the first change or after a cancel)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def run(self, job: Job, progress: Progress | None = None) -> str:
        """Make the change in the worker; returns its summary. Waits while another change runs.

        A failure in the worker is an :class:`AssistantError` with its one-line message; a cancelled change is a
        :class:`ChangeCancelled` (the index is unchanged)."""
        report = progress or (lambda fraction, message: None)
        with self._one_at_a_time:
            with self._state:
                self._running, self._cancelled = True, False
            try:
                return self._run(job, report)
            finally:
                with self._state:
                    self._running = False

    def cancel(self) -> bool:
        """Kill the worker if a change is running (its writer is crash-safe); False when there was none."""
        with self._state:
            if not self._running:
                return False
            self._cancelled = True
            process = self._process
        if process is not None and process.is_alive():
            process.kill()
        return True

    def close(self) -> None:
        """Stop the worker (it finishes nothing: call between changes)."""
        with self._state:
            process, connection = self._process, self._connection
            self._process = self._connection = None
        if connection is not None:
            try:
                connection.send(None)
            except OSError:
                pass
            connection.close()
        if process is not None:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)

    def _start(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=serve_jobs, args=(theirs,), name="assistant-build-worker", daemon=True)
        process.start()
        theirs.close()  # the worker holds the only other end: its death is an EOF here
        with self._state:
            self._process, self._connection = process, ours
            cancelled = self._cancelled
        if cancelled:
            process.kill()

    def _reap(self) -> int | None:
        with self._state:
            process, connection = self._process, self._connection
            self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join(10)
        return process.exitcode

    def _run(self, job: Job, progress: Progress) -> str:
        before = _manifest_bytes(job.index_dir)
        if self._process is None or not self._process.is_alive():
            self._reap()
            progress(0.0, "starting the indexing process")
            self._start()
        connection, process = self._connection, self._process
        assert connection is not None and process is not None
        try:
            connection.send(job)
            while True:
                if not connection.poll(POLL_SECONDS):
                    if not process.is_alive():
                        raise EOFError
                    continue
                message = connection.recv()
                if message[0] != "progress":
                    break
                progress(message[1], message[2])
        except (EOFError, OSError):
            code = self._reap()
            saved = _manifest_bytes(job.index_dir) != before
            if self._cancelled:
                if saved:
                    return f"{SAVED_BEFORE_CANCEL}: {printable(job.index_dir)} changed."
                raise ChangeCancelled(CANCELLED) from None
            outcome = "the index may have changed" if saved else "the index is unchanged"
            raise AssistantError(f"the indexing process stopped unexpectedly (exit code {code}); {outcome}.") from None
        except BaseException:
            self._reap()  # the server gave up waiting (its progress sink failed): the worker's messages are stale
            raise
        if message[0] == "done":
            return str(message[1])
        raise AssistantError(str(message[1]))

_shared: BuildWorker | None = None
_shared_lock = threading.Lock()


def shared() -> BuildWorker:
    """The one worker of this process (the web server has one; every page and index uses it)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = BuildWorker()
        return _shared


__all__ = ["BuildWorker", "ChangeCancelled", "Job", "failure_line", "perform", "serve_jobs", "shared"]
