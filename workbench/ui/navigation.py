"""Moving through the queue: pages, the focused record, jumps by id or position."""
from __future__ import annotations

from typing import Any

import numpy as np


class Navigation:
    """Mixin of :class:`~workbench.ui.session.ReviewSession` for moving through the queue.

    ``position`` is the focused record's index in ``queue``; the page is the ``page_size`` records
    that contain it. Every move is saved (so a restarted kernel resumes here) and notified.
    """

    @property
    def current_id(self) -> str | None:
        """Id of the focused record (None when the queue is empty)."""
        return self.index.ids[self.queue[self.position]] if len(self.queue) else None

    @property
    def page_start(self) -> int:
        """Queue index of the first record on the current page."""
        return self.position - self.position % self.page_size

    def _go(self, index: int, what: str = "page") -> bool:
        if not len(self.queue):
            self._say("the queue is empty: change the filters", "warning")
            return False
        index = max(0, min(int(index), len(self.queue) - 1))
        moved = index != self.position
        self.position = index
        self._states.clear()
        self._save()
        if moved and self.message:  # "saved tags ..." belongs to the record left behind
            self._say("")
        self._notify(what)
        return moved

    def next(self) -> bool:
        """Next page (the next record when the page size is 1); False at the end of the queue."""
        if self.page_start + self.page_size >= len(self.queue):
            self._say("end of the queue", "info")
            return False
        return self._go(self.page_start + self.page_size)

    def prev(self) -> bool:
        """Previous page; False at the start of the queue."""
        if self.page_start == 0:
            self._say("start of the queue", "info")
            return False
        return self._go(self.page_start - self.page_size)

    def first(self) -> bool:
        """First page."""
        return self._go(0)

    def last(self) -> bool:
        """Last page."""
        return self._go(len(self.queue) - 1 - (len(self.queue) - 1) % self.page_size)

    def next_record(self) -> bool:
        """Focus the next record (crossing into the next page when needed)."""
        if self.position + 1 >= len(self.queue):
            self._say("end of the queue", "info")
            return False
        return self._go(self.position + 1)

    def prev_record(self) -> bool:
        """Focus the previous record (crossing into the previous page when needed)."""
        if self.position == 0:
            self._say("start of the queue", "info")
            return False
        return self._go(self.position - 1)

    def jump(self, target: str | int) -> bool:
        """Go to a record id (str) or a 0-based queue position (int)."""
        if isinstance(target, str):
            pos = self.dataset.position(target)
            hit = np.flatnonzero(self.queue == pos) if pos >= 0 else []
            if not len(hit):
                self._say(f"{target!r} is not in the current queue" +
                          (" (change the filters)" if pos >= 0 else ": no such record"), "error")
                return False
            return self._go(int(hit[0]))
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)) or \
                not 0 <= target < len(self.queue):
            self._say(f"position {target!r} is outside the queue (0-{len(self.queue) - 1})", "error")
            return False
        return self._go(int(target))

    def set_page_size(self, n: int) -> None:
        """Records per page (1-200); 1 is the focus view."""
        self.page_size = check_page_size(n)
        self._save()
        self._notify("page")


def check_page_size(n: Any) -> int:
    """``n`` as a page size (1-200), or ValueError."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 200:
        raise ValueError(f"page size must be an integer from 1 to 200, got {n!r}")
    return int(n)
