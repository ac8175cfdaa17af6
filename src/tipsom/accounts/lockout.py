"""Limits on failed sign-ins (web and API alike), counted in the shared cache that every worker process sees.

Three counters (docs/decisions/0005-sign-in-limits.md says why):
- per username and client address: a few free failures, then a doubling wait, then a lock of the pair;
- per client address, whatever the usernames: a lock once it has failed too often (password spraying);
- per username, whatever the addresses: a lock once it has failed far more often (guessing from many
  addresses), which does not apply at an address where the account has signed in before.
Counters are keyed by the typed username, whether or not such a user exists, so a missing user is refused
exactly as an existing one is; keys are hashes, so the cache holds no usernames or addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches

# A pair's count is kept this long after its last failure, so the back-off is not undone by waiting a little.
PAIR_MEMORY_SECONDS = 24 * 60 * 60
# An address where the account signed in is remembered this long: the per-username lock spares it.
KNOWN_ADDRESS_SECONDS = 90 * 24 * 60 * 60


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    locked_until: float = 0.0


def _store() -> BaseCache:
    return caches[settings.TIPSOM_SHARED_CACHE]


def _key(kind: str, *parts: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    return f"signin:{kind}:{digest[:40]}"


def _keys(username: str, address: str) -> dict[str, str]:
    username = username.strip().casefold()
    return {
        "pair": _key("pair", username, address),
        "address": _key("address", address),
        "account": _key("account", username),
    }


def _counter(value: object) -> Counter:
    return Counter(*value) if isinstance(value, (list, tuple)) and len(value) == 2 else Counter()


def _pair_wait(failures: int) -> float:
    """Seconds the pair waits after its `failures`-th failure: none while free, then 2, 4, 8 ..., then the lock."""
    if failures >= settings.TIPSOM_LOGIN_LOCKOUT_FAILURES:
        return settings.TIPSOM_LOGIN_LOCKOUT_MINUTES * 60.0
    free = settings.TIPSOM_LOGIN_FREE_FAILURES
    return 0.0 if failures <= free else float(2 ** (failures - free))


def seconds_to_wait(*, username: str, address: str) -> int:
    """0 when a sign-in may be tried now, else the seconds until it may (the longest of the locks that apply)."""
    keys = _keys(username, address)
    known = _key("known", keys["account"], address)
    counters = _store().get_many([*keys.values(), known])
    now = time.time()
    waits = []
    for kind, key in keys.items():
        counter = _counter(counters.get(key))
        if counter.locked_until > now and not (kind == "account" and counters.get(known)):
            waits.append(counter.locked_until - now)
    return max(1, int(max(waits)) + 1) if waits else 0


def record_failure(*, username: str, address: str) -> None:
    """Counts a failed sign-in on the three counters, locking those that reach their limit."""
    store = _store()
    keys = _keys(username, address)
    now = time.time()
    lock = settings.TIPSOM_LOGIN_LOCKOUT_MINUTES * 60.0
    counters = store.get_many(list(keys.values()))
    failures = _counter(counters.get(keys["pair"])).failures + 1
    wait = _pair_wait(failures)
    values = {keys["pair"]: (failures, now + wait if wait else 0.0)}
    for kind, limit in (
        ("address", settings.TIPSOM_LOGIN_ADDRESS_FAILURES),
        ("account", settings.TIPSOM_LOGIN_ACCOUNT_FAILURES),
    ):
        counter = _counter(counters.get(keys[kind]))
        if counter.locked_until > now:  # locked already (a known address failing while the account is locked)
            values[keys[kind]] = (counter.failures, counter.locked_until)
        elif counter.failures + 1 >= limit:
            values[keys[kind]] = (0, now + lock)
        else:  # the count fades `lock` seconds after its last failure
            values[keys[kind]] = (counter.failures + 1, 0.0)
    store.set(keys["pair"], values.pop(keys["pair"]), timeout=PAIR_MEMORY_SECONDS)
    store.set_many(values, timeout=int(lock) + 1)


def record_success(*, username: str, address: str) -> None:
    """The pair and the username's count start again, and the address is remembered as the account's."""
    store = _store()
    keys = _keys(username, address)
    store.delete_many([keys["pair"], keys["account"]])
    store.set(_key("known", keys["account"], address), 1, timeout=KNOWN_ADDRESS_SECONDS)
