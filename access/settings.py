"""Access settings, read from the environment (each has a documented default, see docs/access.md).

| setting                         | env variable                  | default          |
|---------------------------------|-------------------------------|------------------|
| small-number threshold          | R2589_SUPPRESSION_THRESHOLD   | 5                |
| idle session timeout (minutes)  | R2589_SESSION_IDLE_MINUTES    | 30               |
| failed sign-ins allowed         | R2589_SIGNIN_MAX_FAILURES     | 5                |
| ... per window (seconds)        | R2589_SIGNIN_WINDOW_SECONDS   | 300              |
| audit log file (JSONL)          | R2589_AUDIT                   | data/audit.jsonl |
| user directory (TOML)           | R2589_USERS                   | data/users.demo.toml |

Read at call time (not import time) so tests and operators can change them without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_THRESHOLD = 5
DEFAULT_IDLE_MINUTES = 30
DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 300
DEFAULT_AUDIT = ROOT / "data" / "audit.jsonl"
DEFAULT_USERS = ROOT / "data" / "users.demo.toml"


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def suppression_threshold() -> int:
    """Counts in [1, threshold - 1] are suppressed for every role below headquarters."""
    return _int_env("R2589_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD, 2)


def session_idle_seconds() -> int:
    return 60 * _int_env("R2589_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES, 1)


def signin_max_failures() -> int:
    return _int_env("R2589_SIGNIN_MAX_FAILURES", DEFAULT_MAX_FAILURES, 1)


def signin_window_seconds() -> int:
    return _int_env("R2589_SIGNIN_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS, 1)


def audit_path() -> Path:
    return Path(os.environ.get("R2589_AUDIT") or DEFAULT_AUDIT)


def users_path() -> Path:
    return Path(os.environ.get("R2589_USERS") or DEFAULT_USERS)
