"""Append-only audit log: sign-ins (success and failure), sign-outs and expiries, case views,
exports and refused requests, with user, role, scope, time and detail.

Storage: one JSON object per line in a file outside the main database (env R2589_AUDIT, default
data/audit.jsonl, git-ignored), opened with O_APPEND only: this module has no update or delete
function. Each entry carries the SHA-256 of the previous line (`prev`), so an edit or a deletion
inside the file breaks the chain (`verify_chain`). Headquarters reads it with `read_audit`.

Several processes may append to one file (O_APPEND writes of one line are atomic on local
filesystems); the hash chain is then per process. Replicas on several hosts should write
to a log shipper instead (docs/access.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from access import settings
from access.scope import Scope

EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "session_expired",
    "refused",
    "case_view",
    "export",
)

_lock = threading.Lock()
_last_hash: dict[str, str] = {}

GENESIS = "0" * 64


def _scope_dict(scope: Scope | None) -> dict | None:
    if scope is None:
        return None
    return {
        "role": scope.role,
        "missions": list(scope.missions),
        "host_states": list(scope.host_states),
        "contributing_states": list(scope.contributing_states),
        "nationality_states": list(scope.nationality_states),
    }


def _tail_hash(path: Path) -> str:
    """SHA-256 of the file's last line (GENESIS when empty or missing)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size == 0:
                return GENESIS
            block = min(size, 65536)
            fh.seek(size - block)
            lines = fh.read(block).rstrip(b"\n").split(b"\n")
            return hashlib.sha256(lines[-1]).hexdigest()
    except FileNotFoundError:
        return GENESIS


def log_event(
    event: str,
    *,
    user: str | None,
    scope: Scope | None = None,
    detail: dict | str | None = None,
    path: str | os.PathLike | None = None,
    now: datetime | None = None,
) -> dict:
    """Append one entry and return it. `user` is the directory user name (or the identity
    provider subject); never a password or token."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; valid: {', '.join(EVENTS)}")
    p = Path(path or settings.audit_path())
    entry = {
        "ts": (now or datetime.now(UTC)).isoformat(timespec="milliseconds"),
        "event": event,
        "user": user or "anonymous",
        "role": scope.role if scope else None,
        "scope": _scope_dict(scope),
        "detail": detail if isinstance(detail, dict) else ({"text": detail} if detail else {}),
    }
    with _lock:
        key = str(p.resolve()) if p.exists() else str(p)
        prev = _last_hash.get(key) or _tail_hash(p)
        entry["prev"] = prev
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        _last_hash[str(p.resolve())] = hashlib.sha256(line.encode("utf-8")).hexdigest()
    return entry


def _read_lines(path: Path) -> list[bytes]:
    try:
        return [ln for ln in path.read_bytes().split(b"\n") if ln]
    except FileNotFoundError:
        return []


def verify_chain(path: str | os.PathLike | None = None) -> tuple[bool, int | None]:
    """(True, None) when every entry's `prev` is the hash of the line before it; else
    (False, line number of the first break, 1-based)."""
    prev = GENESIS
    for n, raw in enumerate(_read_lines(Path(path or settings.audit_path())), start=1):
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError:
            return False, n
        if entry.get("prev") != prev:
            return False, n
        prev = hashlib.sha256(raw).hexdigest()
    return True, None


def read_audit(
    scope: Scope,
    *,
    path: str | os.PathLike | None = None,
    limit: int | None = 5000,
    events: tuple[str, ...] | None = None,
):
    """The newest entries first, as a DataFrame (headquarters only)."""
    import pandas as pd

    if scope.role != "hq":
        from access.disclosure import AccessDenied

        raise AccessDenied("the audit log is for headquarters only")
    rows = []
    for raw in _read_lines(Path(path or settings.audit_path())):
        try:
            e = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if events and e.get("event") not in events:
            continue
        s = e.get("scope") or {}
        rows.append(
            {
                "time": e.get("ts"),
                "event": e.get("event"),
                "user": e.get("user"),
                "role": e.get("role"),
                "scope": ", ".join(f"{k}={'/'.join(v)}" for k, v in s.items() if k != "role" and v),
                "detail": json.dumps(e.get("detail") or {}, ensure_ascii=False, sort_keys=True),
            }
        )
    df = pd.DataFrame(rows, columns=["time", "event", "user", "role", "scope", "detail"])
    df = df.iloc[::-1].reset_index(drop=True)
    return df.head(limit) if limit else df
