"""No secret in the repository: every tracked file is scanned for secret-looking strings."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY-----"),
    "AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "Slack token": re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"AIza[0-9A-Za-z_\-]{35}"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    # secret = "value" assignments (TOML, env, Python) whose value is not an obvious placeholder
    "secret assignment": re.compile(
        r"""(?ix)\b(cookie_secret|client_secret|password|passwd|api_key|secret_key|token)\b
        \s*[:=]\s*["']([^"'\n]{8,})["']"""
    ),
}
PLACEHOLDER = re.compile(
    r"(?i)(change[-_ ]?me|placeholder|example|xxx|<[^>]+>|your[-_ ]|test-only|not-a-secret|"
    r"\{|\$\{|dummy|fake|demo)"
)
SKIP_SUFFIXES = {".png", ".jpg", ".ico", ".woff", ".woff2", ".duckdb", ".xlsx", ".pdf"}


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / p for p in out.stdout.decode().split("\0") if p]


def test_no_secret_like_strings_in_tracked_files():
    findings = []
    for path in tracked_files():
        if path.suffix.lower() in SKIP_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for name, pattern in PATTERNS.items():
            for m in pattern.finditer(text):
                if name == "secret assignment" and PLACEHOLDER.search(m.group(2)):
                    continue
                findings.append(f"{path.relative_to(ROOT)}: {name}: {m.group(0)[:60]}")
    assert not findings, "secret-like strings in tracked files:\n" + "\n".join(findings)


def test_real_secrets_file_is_never_tracked():
    names = {str(p.relative_to(ROOT)) for p in tracked_files()}
    assert ".streamlit/secrets.toml" not in names
    ignored = subprocess.run(
        ["git", "check-ignore", ".streamlit/secrets.toml"], cwd=ROOT, capture_output=True
    )
    assert ignored.returncode == 0


def test_the_scanner_catches_a_planted_secret(tmp_path):
    planted = "cookie_" + 'secret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"\n'  # split: not a hit here
    m = PATTERNS["secret assignment"].search(planted)
    assert m and not PLACEHOLDER.search(m.group(2))
    assert PLACEHOLDER.search('"change-me-to-a-long-random-string"')
