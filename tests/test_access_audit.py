"""The audit log is append-only, tamper-evident, complete about who and what, and readable by
headquarters only."""

from __future__ import annotations

import json
import threading

import pytest

import access.audit as audit
from access.disclosure import AccessDenied
from access.scope import Scope

MALI = Scope(role="member_state", host_states=("MLI",), label="Mali")
HQ = Scope(role="hq")


def test_entries_record_user_role_scope_time_and_detail(tmp_path):
    path = tmp_path / "a.jsonl"
    audit.log_event("case_view", user="mali", scope=MALI, detail={"case_id": "C1"}, path=path)
    audit.log_event("export", user="mali", scope=MALI, detail={"rows": 3}, path=path)
    audit.log_event("sign_in_failed", user="chad", path=path)
    entries = [json.loads(x) for x in path.read_text().splitlines()]
    assert [e["event"] for e in entries] == ["case_view", "export", "sign_in_failed"]
    first = entries[0]
    assert first["user"] == "mali" and first["role"] == "member_state"
    assert first["scope"]["host_states"] == ["MLI"]
    assert first["detail"] == {"case_id": "C1"}
    assert first["ts"].endswith("+00:00")


def test_unknown_events_are_refused(tmp_path):
    with pytest.raises(ValueError):
        audit.log_event("delete_everything", user="x", path=tmp_path / "a.jsonl")


def test_module_has_no_update_or_delete_api():
    public = {n for n in dir(audit) if not n.startswith("_")}
    assert not {
        n
        for n in public
        if any(
            w in n for w in ("delete", "update", "truncate", "clear", "remove", "rewrite", "purge")
        )
    }


def test_appending_never_rewrites_earlier_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    audit.log_event("sign_in", user="a", path=path)
    before = path.read_bytes()
    audit.log_event("sign_in", user="b", path=path)
    assert path.read_bytes().startswith(before)


def test_hash_chain_detects_an_edited_or_deleted_line(tmp_path):
    path = tmp_path / "a.jsonl"
    for user in ("a", "b", "c"):
        audit.log_event("sign_in", user=user, path=path)
    assert audit.verify_chain(path) == (True, None)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")  # a line deleted
    assert audit.verify_chain(path) == (False, 2)
    path.write_text("\n".join([lines[0], lines[1].replace('"b"', '"z"'), lines[2]]) + "\n")
    assert audit.verify_chain(path) == (False, 3)


def test_concurrent_appends_keep_every_line_whole(tmp_path):
    path = tmp_path / "a.jsonl"

    def work(i):
        for j in range(25):
            audit.log_event("export", user=f"u{i}", detail={"j": j}, path=path)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 200
    assert all(json.loads(x)["event"] == "export" for x in lines)
    assert audit.verify_chain(path) == (True, None)


def test_headquarters_reads_the_log_newest_first_and_others_are_refused(tmp_path):
    path = tmp_path / "a.jsonl"
    audit.log_event("sign_in", user="mali", scope=MALI, path=path)
    audit.log_event("refused", user=None, detail={"page": "audit"}, path=path)
    df = audit.read_audit(HQ, path=path)
    assert list(df.event) == ["refused", "sign_in"]
    assert df.loc[1, "scope"] == "host_states=MLI"
    assert list(audit.read_audit(HQ, path=path, events=("sign_in",)).user) == ["mali"]
    for scope in (MALI, Scope(role="analyst"), Scope(role="briefing")):
        with pytest.raises(AccessDenied):
            audit.read_audit(scope, path=path)


def test_audit_file_is_git_ignored():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        ["git", "check-ignore", "data/audit.jsonl"], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0
