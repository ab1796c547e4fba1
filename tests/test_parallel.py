"""The one parallel map: results in order, and a failing worker is an error, not a hang."""

from __future__ import annotations

import pytest

from fourules.parallel import WorkerError, forked_map, gc_paused


def test_results_arrive_in_order_while_this_process_works() -> None:
    with forked_map(lambda n: n * n, list(range(50))) as squares:
        own = sum(range(1000))  # this process's share
        assert list(squares) == [n * n for n in range(50)]
    assert own == 499500


def test_a_failing_worker_raises_in_this_process() -> None:
    def fail_on_three(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n

    with (
        pytest.raises(WorkerError, match="ValueError: three"),
        forked_map(fail_on_three, [1, 2, 3, 4]) as results,
    ):
        list(results)


def test_gc_pauses_nest() -> None:
    import gc

    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
