"""The ``govreport`` command: build, check, export, info, sql; help for each."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govreport.cli import _to_excel, build_parser, main
from govreport.corpus import Corpus

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
NAMES = ["000_33126a39afb50b1e.txt", "029_sanming_szf_2019_page.txt", "031_sanming_szf_2021_page.txt"]
COMMANDS = ["build", "check", "export", "info", "sql"]


def real(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.fail(f"real report {name} missing from {SHARED}")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("in") / "reports"
    d.mkdir()
    for name in NAMES:
        shutil.copy(real(name), d / name)
    shutil.copy(real(NAMES[0]), d / "again.txt")
    (d / "empty.txt").write_bytes(b"")
    (d / "noise.bin").write_bytes(random.Random(1).randbytes(2048))
    return d


@pytest.fixture(scope="module")
def built(folder, tmp_path_factory) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("out") / "store"
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["build", str(folder), "--store", str(store), "--jobs", "2", "--no-progress"])
    assert code == 0
    return store, buf.getvalue()


def test_help_for_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for cmd in COMMANDS:
        assert cmd in out
    for cmd in COMMANDS:
        with pytest.raises(SystemExit) as exc:
            main([cmd, "--help"])
        assert exc.value.code == 0
        text = capsys.readouterr().out
        assert f"usage: govreport {cmd}" in text
        assert "example" in text
    assert {a.dest for a in build_parser()._subparsers._group_actions[0].choices["build"]._actions} >= {
        "store", "jobs", "timeout", "cache", "no_cache", "dask",
    }  # fmt: skip


def test_usage_errors_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert main(["build", str(tmp_path / "missing"), "--store", str(tmp_path / "s")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["build", str(tmp_path), "--store", str(tmp_path / "s"), "--jobs", "0"]) == 2


def test_build_prints_a_summary(built):
    store, out = built
    assert "inputs      6" in out
    assert "loaded      4  (3 reports, 1 duplicate input(s) kept as sources)" in out
    assert "failed      2" in out
    assert "empty.txt" in out and "noise.bin" in out
    assert (store / "manifest.json").is_file() and (store / "cache").is_dir()
    c = Corpus.from_store(store)
    assert len(c.reports) == 3 and len(c.errors) == 2


def test_rebuild_uses_the_cache(built, folder, capsys):
    store, _ = built
    assert main(["build", str(folder), "--store", str(store), "--jobs", "2", "--no-progress"]) == 0
    assert "cached      6 of 6 inputs" in capsys.readouterr().out


def test_build_with_nothing_loaded_exits_1(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    assert main(["build", str(tmp_path / "in"), "--store", str(tmp_path / "s"), "--no-cache", "--jobs", "1"]) == 1
    assert "failed      1" in capsys.readouterr().out


def test_info(built, capsys):
    store, _ = built
    assert main(["info", str(store)]) == 0
    out = capsys.readouterr().out
    for text in ("inputs      6", "by year:", "by template:", "by form:", "requests", "(by year)"):
        assert text in out
    assert "empty.txt" not in out
    assert main(["info", str(store), "--errors"]) == 0
    assert "empty.txt" in capsys.readouterr().out
    assert main(["info", str(store.parent / "nowhere")]) == 1


def test_export_csv_parquet_xlsx(built, tmp_path, capsys):
    store, _ = built
    c = Corpus.from_store(store)
    assert main(["export", str(store), "--to", "csv", str(tmp_path / "csv"), "--with-meta"]) == 0
    req = pd.read_csv(tmp_path / "csv" / "requests.csv", encoding="utf-8-sig")
    assert len(req) == len(c.requests) and list(req.columns[:4]) == ["report_id", "agency_id", "agency", "year"]
    reports = pd.read_csv(tmp_path / "csv" / "reports.csv", encoding="utf-8-sig")
    assert reports["sources"].str.contains("; ").any()  # the duplicate's two sources
    assert main(["export", str(store), "--to", "parquet", str(tmp_path / "pq"), "--frames", "reports,requests"]) == 0
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == ["reports.parquet", "requests.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pq" / "requests.parquet"), c.requests, check_dtype=False)
    assert main(["export", str(store), "--to", "xlsx", str(tmp_path / "c.xlsx"), "--frames", "reports,active,errors"]) == 0
    sheets = pd.read_excel(tmp_path / "c.xlsx", sheet_name=None)
    assert list(sheets) == ["reports", "active", "errors"]
    assert len(sheets["active"]) == len(c.active)
    capsys.readouterr()
    assert main(["export", str(store), "--to", "csv", str(tmp_path / "x"), "--frames", "nope"]) == 1
    assert "unknown frame" in capsys.readouterr().err


def test_excel_never_writes_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    df = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "plain", "bad\x0bchar"], "n": [1, 2, 3]})
    _to_excel({"t": df}, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert ws["A2"].value == "=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"
    assert ws["A4"].value == "bad\ufffdchar"


def test_sql(built, capsys):
    store, _ = built
    assert main(["sql", str(store), "SELECT count(*) AS n FROM reports", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "3"]
    assert main(["sql", str(store), "SELECT * FROM nowhere"]) == 1


def test_check_calls_main_check(monkeypatch, built):
    import govreport.checks as checks

    seen = {}

    def fake(paths, *, fail_on="error", corpus=True, **kw):
        seen.update(paths=paths, fail_on=fail_on, corpus=corpus)
        return 1

    monkeypatch.setattr(checks, "main_check", fake)
    assert main(["check", "a.txt", "b", "--fail-on", "warning", "--no-corpus"]) == 1
    assert seen == {"paths": ["a.txt", "b"], "fail_on": "warning", "corpus": False}


def test_check_on_a_real_report(capsys):
    assert main(["check", str(real(NAMES[0])), "--fail-on", "never"]) == 0


def test_console_entry_point():
    out = subprocess.run([sys.executable, "-m", "govreport.cli", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("govreport ")
