"""Issue 17: the server runs the garbage collector at its own thresholds, so full collections
(pauses of every thread) come minutes apart under load instead of every few seconds."""

from __future__ import annotations

import gc

from privatelink.serving import SERVING_COLLECTOR, collector_paused


def test_issue17_serving_sets_the_collectors_thresholds_and_leaves_it_enabled() -> None:
    before = gc.get_threshold()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_threshold() == SERVING_COLLECTOR
        assert SERVING_COLLECTOR[0] > before[0]  # the youngest generation waits longer
        assert gc.collect() >= 0  # cycles are still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        gc.enable()
