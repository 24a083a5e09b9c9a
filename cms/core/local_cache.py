"""The one process-local cache tier: a small, bounded, thread-safe map kept in front of Redis.

Both caches that answer without a network round trip use it: the page tree caches
(cms.core.page_cache) and the public page cache (cms.pages.public_cache). Each entry lives
for the seconds it was given (monotonic clock), the least recently used goes first when the
tier is full, and the owner clears it when its generation changes. Values that may be mutable
are kept pickled when the tier is made with ``copy=True`` and unpickled on every read, so
requests never share a mutable object; plain immutable values are kept as they are.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

_IMMUTABLE_SCALARS = (str, int, float, bool, bytes, type(None))


def immutable(value: Any) -> bool:
    """True for values no reader can change: scalars, and tuples/frozensets of them."""
    if isinstance(value, _IMMUTABLE_SCALARS):
        return True
    return type(value) in (tuple, frozenset) and all(immutable(item) for item in value)


class LocalTier:
    """A bounded map of key -> (expires at, pickled?, value), oldest use out first.

    ``max_entries`` is a number, or a callable read at every store (a setting tests may change).
    """

    def __init__(self, max_entries: int | Callable[[], int], *, copy: bool = True) -> None:
        self._max_entries = max_entries
        self._copy = copy
        self._entries: OrderedDict[str, tuple[float, bool, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def max_entries(self) -> int:
        limit = self._max_entries
        return int(limit() if callable(limit) else limit)

    def get(self, key: str, now: float | None = None) -> Any:
        """The value kept for key, or None (missing or expired)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        _expires, pickled, value = entry
        return pickle.loads(value) if pickled else value  # noqa: S301 (bytes this process pickled)

    def set(self, key: str, value: Any, seconds: float, now: float | None = None) -> None:
        """Keep value for `seconds` (nothing kept when that is not positive)."""
        if seconds <= 0:
            return
        now = time.monotonic() if now is None else now
        pickled = self._copy and not immutable(value)
        stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if pickled else value
        limit = self.max_entries
        with self._lock:
            self._entries[key] = (now + seconds, pickled, stored)
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
