"""Accuracy of the reader against the values read off real reports by hand.

For every ``*.expected.json`` beside the real reports (../shared/reports and
data/reports), read the report and classify each expected cell (tables 2–4):

- ok      the same value (or "?" where we also say the text does not settle it)
- marked  we flag the cell ambiguous/unknown where the hand reading has a value
- wrong   a different value, not flagged — the number that must stay 0
- missing no cell where the hand reading has one

Run: ``python bench/bench_accuracy.py [-v]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from expected import compare, load_expected  # noqa: E402

import govreport  # noqa: E402


def expected_pairs():
    seen = set()
    for base in (ROOT.parent / "shared" / "reports", ROOT / "data" / "reports"):
        for exp in sorted(base.glob("*.expected.json")):
            name = exp.name[: -len(".expected.json")]
            if name in seen:
                continue
            seen.add(name)
            yield base / name, exp


def main(verbose: bool = False) -> dict:
    tot = {"files": 0, "ok": 0, "marked": 0, "wrong": 0, "missing": 0, "errors": 0}
    print(f"{'file':45s} {'form':11s} {'template':9s} {'ok':>4s} {'marked':>6s} {'wrong':>5s} {'missing':>7s}  ms")
    for src, exp_path in expected_pairs():
        exp = load_expected(exp_path)
        t = time.perf_counter()
        try:
            r = govreport.read_report(src)
        except govreport.GovReportError as e:
            tot["errors"] += 1
            print(f"{src.name:45s} ERROR {type(e).__name__}: {e.reason}")
            continue
        ms = (time.perf_counter() - t) * 1000
        res = compare(r, exp)
        tot["files"] += 1
        for k in ("ok", "marked"):
            tot[k] += res[k]
        tot["wrong"] += len(res["wrong"])
        tot["missing"] += len(res["missing"])
        print(f"{src.name:45s} {r.document.form:11s} {str(r.template) + '/' + str(r.table3_layout):9s} "
              f"{res['ok']:4d} {res['marked']:6d} {len(res['wrong']):5d} {len(res['missing']):7d} {ms:5.1f}")  # fmt: skip
        if verbose:
            for w in res["wrong"][:10]:
                print("      wrong", w)
            for w in res["missing"][:10]:
                print("      missing", w)
    cells = tot["ok"] + tot["marked"] + tot["wrong"] + tot["missing"]
    print(f"\n{tot['files']} files, {cells} hand-read cells: {tot['ok']} ok ({tot['ok'] / max(cells, 1):.1%}), "
          f"{tot['marked']} marked unsure, {tot['wrong']} wrong, {tot['missing']} missing, {tot['errors']} unreadable")  # fmt: skip
    return tot


if __name__ == "__main__":
    main("-v" in sys.argv)
