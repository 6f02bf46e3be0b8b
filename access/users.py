"""Server-side user directory: who each person is and what they may see.

The directory is a TOML file on the server (path: env R2589_USERS, default the demo directory
data/users.demo.toml). It is the only source of a user's role and State(s): nothing the browser
sends (query parameters, widgets, cookies other than the identity provider's signed one) can
change them. Entries are matched by

- the identity provider's subject (`sub` claim) for OIDC sign-in (`subjects = [...]`), else
- a trusted group claim (`[oidc] group_claim`, e.g. "r2589_groups") mapped by `[[groups]]`, else
- the username, for the local demo sign-in only (`password_pbkdf2`).

Unknown subjects get no scope: signed in at the identity provider is not the same as authorised.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from access import settings
from access.scope import Scope


@dataclass(frozen=True, kw_only=True)
class Grant:
    """What a directory entry (a user or a trusted group) is granted: a role and its scope."""

    role: str
    missions: tuple[str, ...] = ()
    host_states: tuple[str, ...] = ()
    contributing_states: tuple[str, ...] = ()
    nationality_states: tuple[str, ...] = ()

    def _scope(self, label: str) -> Scope:
        return Scope(
            role=self.role,
            missions=self.missions,
            host_states=self.host_states,
            contributing_states=self.contributing_states,
            nationality_states=self.nationality_states,
            label=label,
        )


@dataclass(frozen=True, kw_only=True)
class DirectoryUser(Grant):
    username: str
    name: str
    subjects: tuple[str, ...] = ()
    password_pbkdf2: str = ""

    def scope(self) -> Scope:
        return self._scope(self.name)


@dataclass(frozen=True, kw_only=True)
class GroupRule(Grant):
    group: str
    name: str = ""

    def scope(self) -> Scope:
        return self._scope(self.name or self.group)


def _codes(entry: dict, key: str) -> tuple[str, ...]:
    values = entry.get(key, [])
    if isinstance(values, str):
        values = [values]
    # Sorted and de-duplicated so equal scopes compare (and cache) equal.
    return tuple(sorted({str(v).strip() for v in values if str(v).strip()}))


def _grant_fields(entry: dict) -> dict:
    """The Grant fields of a [[users]] or [[groups]] entry of the directory file."""
    return {
        "role": str(entry["role"]),
        "missions": _codes(entry, "missions"),
        "host_states": _codes(entry, "host_states"),
        "contributing_states": _codes(entry, "contributing_states"),
        "nationality_states": _codes(entry, "nationality_states"),
    }


class UserDirectory:
    def __init__(
        self,
        users: list[DirectoryUser],
        groups: list[GroupRule],
        *,
        group_claim: str,
        demo: bool,
        source: str,
    ) -> None:
        self.users = users
        self.groups = groups
        self.group_claim = group_claim
        self.demo = demo
        self.source = source
        self._by_username = {u.username: u for u in users}
        self._by_subject = {s: u for u in users for s in u.subjects}
        for user in users:  # fail at load time, not at sign-in: every scope must be valid
            user.scope()
        for rule in groups:
            rule.scope()
        if len(self._by_username) != len(users):
            raise ValueError(f"{source}: duplicate username")
        if len(self._by_subject) != sum(len(u.subjects) for u in users):
            raise ValueError(f"{source}: a subject is listed for two users")

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> UserDirectory:
        path = Path(path)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        users = [
            DirectoryUser(
                username=str(e["username"]),
                name=str(e.get("name") or e["username"]),
                **_grant_fields(e),
                subjects=tuple(str(s) for s in e.get("subjects", [])),
                password_pbkdf2=str(e.get("password_pbkdf2", "")),
            )
            for e in data.get("users", [])
        ]
        groups = [
            GroupRule(
                group=str(e["group"]),
                **_grant_fields(e),
                name=str(e.get("name", "")),
            )
            for e in data.get("groups", [])
        ]
        oidc = data.get("oidc", {})
        return cls(
            users,
            groups,
            group_claim=str(oidc.get("group_claim", "")),
            demo=bool(data.get("directory", {}).get("demo", False)),
            source=str(path),
        )

    # ------------------------------------------------------------------ look-ups
    def by_username(self, username: str) -> DirectoryUser | None:
        return self._by_username.get(username)

    def demo_users(self) -> list[DirectoryUser]:
        return [u for u in self.users if u.password_pbkdf2]

    def scope_for_claims(self, claims: dict) -> tuple[str, Scope] | None:
        """(user id for the audit log, Scope) for a verified identity token's claims, or None.

        The subject wins over groups; a group claim is used only when the directory names the
        claim (it must be one the identity provider sets, never one the user can edit).
        """
        sub = claims.get("sub")
        if isinstance(sub, str) and sub in self._by_subject:
            user = self._by_subject[sub]
            return user.username, user.scope()
        if self.group_claim:
            raw = claims.get(self.group_claim) or []
            member_of = {raw} if isinstance(raw, str) else {str(g) for g in raw}
            for rule in self.groups:  # first matching rule, in directory order
                if rule.group in member_of:
                    return f"{sub or '?'} via {rule.group}", rule.scope()
        return None


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = 200_000) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        algorithm, iterations, salt_hex, digest_hex = encoded.split("$")
        if algorithm != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> UserDirectory:
    return UserDirectory.from_toml(path)


def load_directory(path: str | os.PathLike | None = None) -> UserDirectory:
    """The directory at `path` (default: settings.users_path()), reloaded when the file changes."""
    p = Path(path or settings.users_path())
    return _load(str(p), p.stat().st_mtime_ns)
