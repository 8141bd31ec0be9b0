"""release_freed gives the memory both allocators keep after frees back to the operating system."""
from __future__ import annotations

import gc
from pathlib import Path

import pyarrow as pa
import pytest

from workbench.model.memory import _malloc_trim, release_freed

ROLLUP = Path("/proc/self/smaps_rollup")
pytestmark = pytest.mark.skipif(not ROLLUP.is_file() or _malloc_trim() is None,
                                reason="needs Linux with glibc (smaps_rollup, malloc_trim)")


def anonymous_mb() -> float:
    """This process's anonymous (heap) memory in MB, as the kernel counts it."""
    for line in ROLLUP.read_text().splitlines():
        if line.startswith("Anonymous:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Anonymous line in smaps_rollup")


def test_freed_heap_pages_go_back_to_the_os():
    # 80 MB of malloc'd blocks (4 KB each: above pymalloc's 512 B, below malloc's mmap threshold), then
    # every block freed but one in 64: the heap cannot shrink from its top, so glibc keeps the free pages
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(20_000)]
    kept = blocks[::64]
    del blocks
    gc.collect()
    before = anonymous_mb()
    release_freed()
    after = anonymous_mb()
    assert len(kept) == 313 and kept[5][-1] == (5 * 64) % 256  # the blocks still in use are intact
    assert before - after > 30, (before, after)


def test_freeing_alone_keeps_them():
    """The same pattern without the call: the pages stay with the process (what the call is for)."""
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(20_000)]
    kept = blocks[::64]
    del blocks
    gc.collect()
    before = anonymous_mb()
    pa.default_memory_pool().release_unused()  # Arrow's half alone does not touch malloc's heap
    assert len(kept) == 313 and before - anonymous_mb() < 5


def test_without_malloc_trim_arrow_is_still_released(monkeypatch):
    import workbench.model.memory as memory

    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)  # musl, macOS: no malloc_trim
    calls = []

    class Pool:
        def release_unused(self):
            calls.append("arrow")

    monkeypatch.setattr(memory.pa, "default_memory_pool", Pool)
    memory.release_freed()
    assert calls == ["arrow"]
