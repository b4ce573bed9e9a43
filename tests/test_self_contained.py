"""A clone stands on its own: the real tables the tests, demos and benchmarks use live inside the
repository with their provenance, and no code reaches outside the repository for data."""

from __future__ import annotations

import re
import subprocess

import pandas as pd

from tests.conftest import REPO, SAMPLE_DATA

# A path that climbs out of the repository: the sibling folder of shared data (two dots, a
# slash, its name), or REPO.parent.
OUTSIDE = re.compile(r"\.\.[/\\]shared|REPO\.parent|parent\.parent\.parent")


def tracked(*patterns: str) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", *patterns], cwd=REPO, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_every_sample_table_is_in_the_repository_with_its_provenance() -> None:
    readme = (SAMPLE_DATA / "README.md").read_text()
    tables = sorted(SAMPLE_DATA.glob("*.csv"))
    assert len(tables) == 6
    for path in tables:
        # Each table has its own section naming its source and licence.
        section = readme.split(f"### {path.name}")[1].split("\n### ")[0]
        assert "License:" in section and "Original source" in section, path.name
        rows = int(re.search(r"Rows x cols: ([\d,]+) x", section)[1].replace(",", ""))
        assert len(pd.read_csv(path)) == rows, path.name


def test_no_code_reads_outside_the_repository() -> None:
    offenders = []
    for name in tracked("*.py", "Makefile", ".ci/*"):
        if name.startswith("sample_data/") or name == "tests/test_self_contained.py":
            continue
        text = (REPO / name).read_text(errors="replace")
        offenders += [f"{name}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == []
