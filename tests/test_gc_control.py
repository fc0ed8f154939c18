"""`paused_gc`: no cyclic collection inside the block; the caller's setting comes back."""

import gc

import pytest

from pipelines.gc_control import paused_gc


def test_collector_paused_inside_and_restored_after_nested_blocks_and_errors() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block does not resume the outer one's pause
        with pytest.raises(ValueError), paused_gc():
            raise ValueError("a failing load")
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
