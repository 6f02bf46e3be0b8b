"""The README documents what a newcomer needs: every setting the code reads, the two commands."""

from __future__ import annotations

import re

from tests.conftest import ROOT

SETTING = re.compile(r"R2589_[A-Z_]+[A-Z]")
TEST_ONLY = {"R2589_TEST_DB", "R2589_TIMING_LOG"}  # test and benchmark plumbing


def code_settings() -> set[str]:
    found: set[str] = set()
    for folder in ("app.py", "etl", "metrics", "access", "ui", "pages"):
        for path in [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"):
            found |= set(SETTING.findall(path.read_text(encoding="utf-8")))
    return found - TEST_ONLY


def test_every_setting_the_code_reads_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(s for s in code_settings() if s not in readme)
    assert not missing, f"settings missing from README.md: {missing}"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "```bash\npython -m pytest\n```" in readme
    assert ci.rstrip().splitlines()[-1] == "python -m pytest"
