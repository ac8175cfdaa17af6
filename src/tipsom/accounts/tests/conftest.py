"""Fixtures of the accounts tests."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tipsom.accounts import lockout


class Clock:
    """The sign-in limits' clock, moved forward by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    clock = Clock()
    monkeypatch.setattr(lockout, "time", clock)
    return clock
