"""docs/access.md documents every access setting, field rule, role and audit event."""

from __future__ import annotations

import re
from pathlib import Path

from access import audit, settings
from access.policy import FIELDS
from access.scope import ROLES

DOC = (Path(__file__).resolve().parents[1] / "docs" / "access.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    envs = set(re.findall(r"R2589_[A-Z_]+", Path(settings.__file__).read_text()))
    assert envs and all(e in DOC for e in envs), envs - set(re.findall(r"R2589_[A-Z_]+", DOC))


def test_every_field_role_and_event_is_documented():
    for rule in FIELDS:
        assert f"`{rule.columns[0]}`" in DOC, rule.key
    for role in ROLES:
        assert f"`{role}`" in DOC
    for event in audit.EVENTS:
        assert f"`{event}`" in DOC
