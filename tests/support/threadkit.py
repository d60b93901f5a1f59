"""Real threads released at the same moment, for tests of what happens when work races: every
call's result or the exception it raised comes back, so no failure in a thread goes unseen."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def run_together(count: int, task: Callable[[int], T]) -> list[T | BaseException]:
    """Run task(0..count-1) on `count` real threads released at the same moment.

    Returns each call's result or the exception it raised, in index order.
    """
    barrier = threading.Barrier(count)

    def call(index: int) -> T | BaseException:
        barrier.wait()
        try:
            return task(index)
        except BaseException as error:  # collected, so the test can count the outcomes
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def failures(outcomes: list[object]) -> list[BaseException]:
    """The exceptions among run_together's outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
