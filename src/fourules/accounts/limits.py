"""Failed sign-ins, slowed and limited per account and, separately, per address.

The figures (the `SignInLimits` defaults):
- 5 failures within 15 minutes lock the account (or the address) out;
- the first lock-out lasts 1 minute, each next one twice the last, at most 1 hour;
- the count of lock-outs is forgotten after 24 hours without a failure, and an account's
  failures and lock-outs on a successful sign-in (an address's are not: an address
  trying many accounts stays limited);
- each failure is answered after a pause of half a second per failure in the window, at
  most 3 seconds (`pause`), which the sign-in page waits before it answers.

An IPv6 address counts as its /64 network, which one host usually holds whole. The state
is in memory (one server process; a restart forgets it) and bounded: beyond 10 000
accounts and addresses, the longest quiet are forgotten first. A lock-out on accounts lets
someone who guesses names keep their owners out for a while; the growing period, capped
at an hour, is the trade between that and guessing passwords, as OWASP's guidance has it.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    lockouts: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass(frozen=True)
class SignInLimits:
    """The figures: see the module."""

    failures: int = 5
    window: float = 15 * 60
    first_lockout: float = 60
    longest_lockout: float = 60 * 60
    forget_after: float = 24 * 60 * 60
    pause_per_failure: float = 0.5
    longest_pause: float = 3
    kept: int = 10_000


class SignInLimiter:
    """The failed sign-ins of one server, by account and by address. Thread-safe."""

    def __init__(
        self, limits: SignInLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or SignInLimits()
        self._clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._guard = threading.Lock()

    def refused_for(self, account: str, address: str) -> float:
        """Seconds until a sign-in as `account` from `address` may be tried; 0 when now."""
        now = self._clock()
        with self._guard:
            waits = [
                record.locked_until - now
                for key in _keys(account, address)
                if (record := self._records.get(key)) is not None
            ]
        return max([0.0, *waits])

    def failed(self, account: str, address: str) -> float:
        """Count a failed sign-in; the pause before it is answered, in seconds."""
        now = self._clock()
        limits = self.limits
        with self._guard:
            counts = [self._fail(key, now) for key in _keys(account, address)]
            self._forget(now)
        return min(limits.longest_pause, limits.pause_per_failure * max(counts))

    def succeeded(self, account: str, address: str) -> None:
        """A successful sign-in: the account starts afresh (the address does not)."""
        with self._guard:
            self._records.pop(("account", account), None)

    def _fail(self, key: tuple[str, str], now: float) -> int:
        limits = self.limits
        record = self._records.setdefault(key, _Record())
        if now - record.last > limits.forget_after:
            record.lockouts = 0
        record.last = now
        record.failures = [t for t in record.failures if now - t < limits.window] + [now]
        count = len(record.failures)
        if count >= limits.failures and now >= record.locked_until:
            lockout = limits.first_lockout * 2**record.lockouts
            record.locked_until = now + min(lockout, limits.longest_lockout)
            record.lockouts += 1
            record.failures = []  # the next lock-out takes as many failures again
        return count

    def _forget(self, now: float) -> None:
        """Keep the records bounded: the quiet ones go, then the longest quiet."""
        limits = self.limits
        if len(self._records) <= limits.kept:
            return
        for key, record in list(self._records.items()):
            if now - record.last > limits.forget_after and now >= record.locked_until:
                del self._records[key]
        excess = len(self._records) - limits.kept
        if excess > 0:
            oldest = sorted(self._records, key=lambda k: self._records[k].last)[:excess]
            for key in oldest:
                del self._records[key]


def _keys(account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("account", account), ("address", address_key(address))


def address_key(address: str) -> str:
    """What an address is counted as: an IPv4 address itself, an IPv6 address its /64
    (an IPv4 address written as IPv6 is the IPv4 one); anything else as written."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
