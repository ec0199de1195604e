"""nbval keeps the notebooks honest: one changed number in a data/ report makes it fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_changing_one_number_in_a_report_fails_nbval(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copytree(ROOT / "data" / "reports", tmp_path / "data" / "reports")
    (tmp_path / "notebooks").mkdir()
    nb = "06_agency_profile.ipynb"
    shutil.copy(ROOT / "notebooks" / nb, tmp_path / "notebooks" / nb)
    report = tmp_path / "data" / "reports" / "034_sanming_szf_2025_page.txt"
    report.chmod(0o644)
    raw = report.read_bytes()
    # 三明市人民政府 2025, table 3 本年新收, 自然人: 390 -> 391 (one printed number)
    assert raw.count(b"\n390\r\n4\r\n") == 1
    report.write_bytes(raw.replace(b"\n390\r\n4\r\n", b"\n391\r\n4\r\n"))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), str(tmp_path / "notebooks" / nb)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "reference_output == test_output" in proc.stdout  # an output mismatch, not a crash
