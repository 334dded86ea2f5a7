"""Per-user allowances: how many questions a minute, how many links an hour."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Allowance:
    """At most `count` events per `period` seconds for each user (a sliding window)."""

    count: int
    period: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _warned: dict[int, float] = field(default_factory=dict)

    def take(self, user_id: int) -> bool:
        """Record an event if the user has allowance left; False (nothing recorded) if not."""
        now = self.clock()
        events = self._events[user_id]
        while events and events[0] <= now - self.period:
            events.popleft()
        if len(events) >= self.count:
            return False
        events.append(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        """True once per window: the "slow down" message is said once, not to every message."""
        now = self.clock()
        if now - self._warned.get(user_id, -self.period) < self.period:
            return False
        self._warned[user_id] = now
        return True

    def wait(self, user_id: int) -> float:
        """Seconds until the user may go again."""
        events = self._events.get(user_id)
        if not events or len(events) < self.count:
            return 0.0
        return max(0.0, events[0] + self.period - self.clock())
