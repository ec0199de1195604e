"""Compare what the reader returns with the values read off a report by hand.

The expected files (``<report>.expected.json`` beside the real reports) key
cells by the labels the report prints; this module maps those labels onto the
template's keys with the same label maps the reader uses, and classifies each
expected cell as ``ok`` (same value), ``marked`` (we flag the cell ambiguous
or unknown; allowed where the source does not settle it) or ``wrong``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from govreport.normalize import compact, normalize_text
from govreport.templates import table2_templates, table3_layouts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
DATA = Path(__file__).resolve().parents[1] / "data" / "reports"

UNSURE = ("ambiguous", "unknown")


def expected_files():
    return sorted(SHARED.glob("*.expected.json"))


def _latest(patterns, s):
    best = None
    for key, pat in patterns:
        pos = -1
        for m in pat.finditer(s):
            pos = m.start()
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, key)
    return best[1] if best else None


def _t3_key(label: str, layout_rows) -> str | None:
    part = compact(normalize_text(label.split("/")[-1]))
    if label == "其他处理":
        keys = [r.key for r in layout_rows]
        return "other_handled" if "other_handled" in keys else "other"
    if label.startswith(("不予公开", "无法提供", "不予处理", "其他处理")) and "/" not in label:
        return {"不予公开": "withheld", "无法提供": "unable", "不予处理": "rejected", "其他处理": "other"}[label]
    return _latest([(r.key, r.match) for r in layout_rows if not r.is_group], part)


def _eq(got, want) -> bool:
    if got is None:
        return False
    return Decimal(str(got)) == Decimal(str(want))


def compare(report, expected: dict) -> dict:
    """Return {'ok': n, 'marked': n, 'wrong': [..], 'missing': [..]} for one report."""
    res = {"ok": 0, "marked": 0, "wrong": [], "missing": []}
    cells = {(c["table"], c["row"], c["column"]): c for c in report.cells_records()}

    def judge(where, key, want):
        c = cells.get(key)
        if c is None:
            res["missing"].append((where, want))
            return
        kind, value, certainty = c["kind"], c["value"], c["certainty"]
        if want == "?":
            if certainty in UNSURE or kind in UNSURE:
                res["ok"] += 1
            else:
                res["wrong"].append((where, "?", value, kind))
            return
        if certainty in UNSURE or kind in UNSURE:
            res["marked"] += 1
            return
        if want is None:
            ok = kind == "empty"
        else:
            ok = kind in ("number", "zero") and _eq(value, want)
        if ok:
            res["ok"] += 1
        else:
            res["wrong"].append((where, want, value, kind))

    t2 = table2_templates().get(report.template or "2021")
    for label, cols in expected.get("table2", {}).items():
        rk = _latest([(r.key, r.match) for r in t2], compact(normalize_text(label)))
        row = next((r for r in t2 if r.key == rk), None)
        for clabel, want in cols.items():
            ck = _latest([(c.key, c.match) for c in row.columns], compact(normalize_text(clabel))) if row else None
            if ck is None and row is not None and len(row.columns) == 1:
                ck = row.columns[0].key
            judge(f"t2 {label}/{clabel}", ("table2", rk, ck), want)
    layout = table3_layouts()[report.table3_layout or "2021"]
    from govreport.templates import table3_columns

    colkeys = [c["key"] for c in table3_columns()]
    for label, values in expected.get("table3", {}).items():
        rk = _t3_key(label, layout)
        for ck, want in zip(colkeys, values, strict=False):
            judge(f"t3 {label}/{ck}", ("table3", rk, ck), want)
    # "table3_extra" (a printed 小计 column) occurs in no expected file at hand; the
    # subtotal column is covered by test_reader.test_subtotal_column_is_read.
    from govreport.templates import table4_columns

    for col, want in zip(table4_columns(), expected.get("table4", []), strict=False):
        judge(f"t4 {col.key}", ("table4", col.proceeding, col.outcome), want)
    return res


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
