"""Sign-in decisions that need no Streamlit: demo password check with rate limiting, token
expiry, idle timeout. ui/auth.py wires them to the screen.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from access import settings
from access.scope import Scope
from access.users import UserDirectory, verify_password


class RateLimiter:
    """At most `max_failures` failed sign-ins per username within `window` seconds.

    Server-side memory (one process); a lock-out ends when the oldest failure leaves the window.
    Counting per username (not per client address) because Streamlit does not give the app a
    trustworthy client address; the cost is that an attacker can lock a demo user out for five
    minutes, acceptable for a demo sign-in.
    """

    def __init__(self, max_failures: int | None = None, window: float | None = None) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _limits(self) -> tuple[int, float]:
        return (
            self.max_failures or settings.signin_max_failures(),
            self.window or settings.signin_window_seconds(),
        )

    def _prune(self, key: str, now: float) -> deque[float]:
        _, window = self._limits()
        if len(self._failures) > 10_000:  # bounded memory: drop users with no recent failure
            for k in [k for k, q in self._failures.items() if not q or q[-1] <= now - window]:
                del self._failures[k]
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - window:
            q.popleft()
        return q

    def locked_for(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0 when not locked)."""
        now = time.time() if now is None else now
        max_failures, window = self._limits()
        with self._lock:
            q = self._prune(key, now)
            if len(q) < max_failures:
                return 0.0
            return max(0.0, q[0] + window - now)

    def failure(self, key: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._prune(key, now).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


RATE_LIMITER = RateLimiter()


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    scope: Scope | None = None
    reason: str = ""  # "ok" | "locked" | "bad_credentials"
    retry_after: float = 0.0


def demo_sign_in(
    directory: UserDirectory,
    username: str,
    password: str,
    *,
    limiter: RateLimiter = RATE_LIMITER,
    now: float | None = None,
) -> SignInResult:
    """Check a demo user's password; the same answer for an unknown user and a wrong password."""
    key = (username or "").strip().lower()[:200]
    wait = limiter.locked_for(key, now)
    if wait > 0:
        return SignInResult(False, reason="locked", retry_after=wait)
    user = directory.by_username(username)
    if (
        user is None
        or not user.password_pbkdf2
        or not verify_password(password or "", user.password_pbkdf2)
    ):
        limiter.failure(key, now)
        return SignInResult(False, reason="bad_credentials")
    limiter.reset(key)
    return SignInResult(True, scope=user.scope(), reason="ok")


def token_expired(claims: dict, now: float | None = None, leeway: float = 30.0) -> bool:
    """True when the identity token's `exp` claim is missing, malformed or in the past.

    Streamlit keeps the identity cookie for 30 days and never looks at `exp`, so the app must.
    """
    exp = claims.get("exp")
    try:
        exp = float(exp)
    except (TypeError, ValueError):
        return True
    now = time.time() if now is None else now
    return now > exp + leeway


def idle_expired(last_seen: float | None, now: float | None = None) -> bool:
    if last_seen is None:
        return False
    now = time.time() if now is None else now
    return now - last_seen > settings.session_idle_seconds()
