"""Shared fixtures: real reports from ../shared/reports and data/reports.

``shared_report(name)`` fails (does not skip) when a file is missing: a test
that silently skipped its real input would prove nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reports"
DATA_REPORTS = ROOT / "data" / "reports"
SEED = "000_33126a39afb50b1e.txt"

os.environ.setdefault("MPLBACKEND", "Agg")


def _find(name: str) -> Path:
    for base in (SHARED, DATA_REPORTS):
        p = base / name
        if p.exists():
            return p
    pytest.fail(f"real report {name} not found in {SHARED} or {DATA_REPORTS}")


@pytest.fixture
def shared_report():
    """Return the path of a real report by file name (fails if missing)."""
    return _find


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return _find(SEED)


@pytest.fixture(scope="session")
def seed_report(seed_path):
    import govreport

    return govreport.read_report(seed_path)
