"""Index on several cores without ever leaving a lock-holding orphan behind.

Whoosh's `MpWriter` forks worker processes that analyse paragraphs and write
sub-segments while the parent keeps the index's write lock. The workers inherit
the lock's file descriptor (an `flock`), so a worker that outlives its parent
keeps the index locked for ever, and stock workers do outlive it: after a
SIGKILL of the parent they block on their job queue, and after `cancel()` they
are never told to stop. `GuardedMpWriter` fixes both:

- every worker asks the kernel to SIGKILL it when its parent dies
  (`prctl(PR_SET_PDEATHSIG)` on Linux), and also polls `getppid()` (the portable
  fallback, and a guard against the parent dying before the `prctl` call);
- `cancel()` kills and reaps the workers before the lock is released;
- a worker that died (out of memory, killed) makes the commit fail instead of
  silently losing its paragraphs, and never blocks the parent (nor do the workers
  it left waiting on the job queue's read lock it died holding).

Forking from a process that runs other threads (the TUI) is unsafe, so
`parallel_allowed()` says when the caller may ask for more than one process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

from whoosh.compat import queue as _queue
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 0.5


class WorkerFailed(RuntimeError):
    """A parallel indexing worker died before handing back its segment."""


def parallel_allowed() -> bool:
    """True when forking workers is safe: called from the main thread of a process
    that runs no other thread (so never from the TUI's worker threads)."""
    main = threading.main_thread()
    if threading.current_thread() is not main:
        return False
    # multiprocessing's own queue feeder threads (from an earlier parallel run) are harmless.
    return all(t is main or t.name == "QueueFeederThread" for t in threading.enumerate())


def default_procs() -> int:
    """Processes to use for a large run: every core, at most 4 (merging is serial)."""
    return max(1, min(4, os.cpu_count() or 1))


def die_with_parent(parent_pid: int) -> None:
    """Make the calling (forked) process die as soon as `parent_pid` does."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the poller below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _GuardedTask(SubWriterTask):
    """A Whoosh sub-writer process that dies with its parent."""

    def __init__(self, *args, parent_pid: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_pid = parent_pid
        self.daemon = True  # also reaped by multiprocessing at a normal parent exit

    def run(self) -> None:
        die_with_parent(self.parent_pid)
        super().run()


class GuardedMpWriter(MpWriter):
    """`MpWriter` whose workers never outlive the writer (see the module docstring)."""

    def _new_task(self):
        task = _GuardedTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent_pid=os.getpid(),
        )
        self.tasks.append(task)
        task.start()
        return task

    def _put(self, item) -> None:
        """Queue a job, failing (instead of blocking for ever) when a worker died."""
        while True:
            try:
                self.jobqueue.put(item, timeout=1.0)
                return
            except _queue.Full:
                if self._died() or not any(t.is_alive() for t in self.tasks):
                    raise WorkerFailed("an indexing worker process died") from None

    def _died(self) -> bool:
        """Whether a worker was killed or failed. Its paragraphs are lost, and it may
        have died holding the job queue's read lock, which then blocks every other
        worker for ever: waiting for the others would hang the commit."""
        return any(t.exitcode not in (None, 0) for t in self.tasks)

    def _enqueue(self) -> None:
        from whoosh.compat import pickle
        from whoosh.util import random_name

        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _stop_tasks(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.kill()
        for task in self.tasks:
            task.join(timeout=5)
        self.tasks = []

    def cancel(self) -> None:
        try:
            self._stop_tasks()
        finally:
            SegmentWriter.cancel(self)

    def _commit(self, mergetype, optimize, merge) -> None:
        # MpWriter._commit, plus: a missing worker result is an error, not a loss.
        try:
            if self.docbuffer:
                self._enqueue()
            for _ in self.tasks:
                self._put(None)
            finalsegments = self._merge_segments(mergetype, optimize, merge)
            results: list = []
            while len(results) < len(self.tasks):
                try:
                    results.append(self.resultqueue.get(timeout=0.5))
                except _queue.Empty:
                    if self._died():
                        break
                    if any(t.is_alive() for t in self.tasks):
                        continue
                    try:  # every worker has exited: take what is left, then stop
                        results.append(self.resultqueue.get(timeout=0.5))
                    except _queue.Empty:
                        break
            if len(results) < len(self.tasks):
                raise WorkerFailed(
                    f"{len(self.tasks) - len(results)} indexing worker process(es) died"
                )
            for task in self.tasks:
                task.join()
        except BaseException:
            self._stop_tasks()  # the caller's cancel() then releases the lock
            raise
        if self.multisegment:
            finalsegments += [s for _, _, s in results]
            if self._added:
                finalsegments.append(self._finalize_segment())
            else:
                self._close_segment()
        else:
            self._merge_subsegments(results, mergetype)
            self._close_segment()
            self._assemble_segment()
            finalsegments.append(self.get_segment())
        self._commit_toc(finalsegments)
        self._finish()
