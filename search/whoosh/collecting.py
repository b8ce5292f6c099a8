"""Collecting every match within a deadline: Whoosh's collector, unpruned and timed.

Whoosh's own TimeLimitCollector starts a timer thread per search; here the
collection loop checks the clock itself (from any thread), and in the main thread
an interval timer also interrupts whatever else runs long.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.matching import WrappingMatcher


@contextmanager
def interrupt_after(seconds: float, exc: type[BaseException]) -> Iterator[None]:
    """Raise `exc` in the main thread if the block runs longer than `seconds`.

    Elsewhere (the TUI's worker threads) it does nothing: signals reach only the
    main thread, and there the collector's own time check is the guard.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    armed = True

    def on_alarm(signum, frame) -> None:
        if armed:
            raise exc

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


class Deadline(WrappingCollector):
    """Wraps a collector: every match is looked at, and TimeLimit is raised once
    `deadline` (perf_counter; None: never) has passed.

    Whoosh's top-N collector prunes the query as it goes (UnionMatcher.replace drops
    a part once its best possible score cannot reach the N-th hit, judging by the
    scorer's max_quality bounds). With our BM25 those bounds are not safe: on BBC +
    Reuters `oil prices` lost its 3rd and 4th best paragraphs, and the count missed
    every paragraph it skipped (2,312 of 5,235 for `oil`). Collecting without the
    pruning cost about the same on the benchmark set: faster for phrases and AND
    queries (where pruning skips little but costs its bookkeeping), a little slower
    for one common word.
    Checks the clock every 64 matches, so it costs nothing measurable per search.
    """

    def __init__(self, child, deadline: float | None):
        super().__init__(child)
        self.deadline = deadline

    def set_subsearcher(self, subsearcher, offset) -> None:
        self.child.set_subsearcher(subsearcher, offset)
        self.child.matcher = Unpruned(self.child.matcher)
        self.subsearcher, self.matcher, self.offset = subsearcher, self.child.matcher, offset

    def collect_matches(self) -> None:
        child, deadline, clock = self.child, self.deadline, time.perf_counter
        if deadline is None:
            for sub_docnum in child.matches():
                child.collect(sub_docnum)
            return
        if clock() > deadline:
            raise TimeLimit
        for n, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if not n & 63 and clock() > deadline:
                raise TimeLimit


class Unpruned(WrappingMatcher):
    """A matcher the collector may simplify (drop exhausted parts) but not prune."""

    def replace(self, minquality=0):
        simpler = self.child.replace(0)
        return self if simpler is self.child else Unpruned(simpler)

    def supports_block_quality(self) -> bool:
        return False
