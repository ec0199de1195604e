"""The Parquet store: exact round trip, layout, SQL, the cache of parsed files."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import govreport
from govreport.corpus import FRAMES, Corpus, read_reports
from govreport.report import ROW3_ORDER
from govreport.store import NULL_PARTITION, ResultCache, connect, read_store, write_store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
NAMES = ["000_33126a39afb50b1e.txt", "029_sanming_szf_2019_page.txt", "031_sanming_szf_2021_page.txt"]


def real(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.fail(f"real report {name} missing from {SHARED}")
    return path


def parse_without_year(data: bytes, source: str, budget):
    """Test hook: a report whose year is not printed (files named no-year*)."""
    report = govreport.read_report(data, budget=budget)
    if Path(source).name.startswith("no-year"):
        report.meta["year"] = None
    return report


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    folder = tmp_path_factory.mktemp("reports")
    for name in NAMES:
        shutil.copy(real(name), folder / name)
    shutil.copy(real(NAMES[1]), folder / "copy.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "no-year.txt").write_bytes(real(NAMES[2]).read_bytes() + "\n另存一份。\n".encode())
    return read_reports(folder, jobs=2, cache=False, progress=False, _parse=parse_without_year)


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory) -> Path:
    return corpus.to_store(tmp_path_factory.mktemp("store") / "s")


def test_round_trip_is_exact(corpus, store):
    back = Corpus.from_store(store)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(back, name), check_exact=True, obj=name)
    # ordered categoricals keep every category, observed or not
    assert list(back.requests["row"].cat.categories) == ROW3_ORDER
    assert back.requests["row"].cat.ordered
    assert isinstance(back.active["amount"].dtype, pd.ArrowDtype)
    assert isinstance(back.reports["sources"].iloc[0], list)
    assert back.meta["store"] == str(store.resolve())
    assert back.summary() == corpus.summary()


def test_layout_partitioned_by_year(corpus, store):
    years = {str(int(y)) for y in corpus.reports["year"].dropna()}
    for name in ("reports", "requests", "active", "reviews", "doubts"):
        parts = {p.name.split("=", 1)[1] for p in (store / name).iterdir()}
        assert parts <= years | {NULL_PARTITION}, name
        if name != "doubts":  # every report has table rows; not every report has doubts
            assert years <= parts, name
    assert (store / "errors" / "part-0.parquet").is_file()
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "govreport-store"
    assert manifest["frames"]["requests"]["rows"] == len(corpus.requests)
    assert manifest["frames"]["requests"]["dtypes"]["row"]["ordered"] is True
    assert manifest["meta"]["summary"]["inputs"] == corpus.meta["inputs"]


def test_report_without_year_goes_to_the_null_partition(corpus, store):
    if not corpus.reports["year"].isna().any():
        pytest.fail("the test corpus should hold a report without a year")
    assert (store / "reports" / f"year={NULL_PARTITION}").is_dir()
    back = Corpus.from_store(store)
    assert back.reports["year"].isna().sum() == corpus.reports["year"].isna().sum()


def test_sql_over_the_store_and_in_memory(corpus, store):
    back = Corpus.from_store(store)
    q = "SELECT year, count(*) AS n FROM requests GROUP BY year ORDER BY year NULLS LAST"
    got = back.sql(q)
    want = corpus.frame("requests").groupby("year", dropna=False).size()
    assert got["n"].tolist() == want.tolist()
    mem = corpus.sql("SELECT count(*) AS n FROM reports")
    assert int(mem["n"].iloc[0]) == len(corpus.reports)
    joined = back.sql(
        "SELECT r.agency_id, q.value FROM requests q JOIN reports r USING (report_id) "
        "WHERE q.row = 'new_requests' AND q.column = 'total' ORDER BY r.year"
    )
    assert len(joined) == len(corpus.reports)
    con = connect(store)
    assert con.execute("SELECT count(*) FROM errors").fetchone()[0] == len(corpus.errors)
    con.close()


def test_rewriting_a_store_replaces_frames_and_keeps_the_cache(corpus, tmp_path):
    path = tmp_path / "s"
    corpus.to_store(path)
    (path / "cache").mkdir()
    (path / "cache" / "keep").write_text("x")
    small = Corpus(**{n: getattr(corpus, n) for n in FRAMES}, meta={})
    small.reports = corpus.reports[corpus.reports["year"] == 2021].reset_index(drop=True)
    for name in ("requests", "active", "reviews", "figures", "checks", "doubts"):
        df = getattr(corpus, name)
        setattr(small, name, df[df["report_id"].isin(small.reports["report_id"])].reset_index(drop=True))
    small.to_store(path)
    assert {p.name for p in (path / "requests").iterdir()} == {"year=2021"}
    assert (path / "cache" / "keep").read_text() == "x"
    assert not list(path.glob(".staging-*"))
    back = Corpus.from_store(path)
    pd.testing.assert_frame_equal(back.requests, small.requests)


def test_empty_corpus_round_trip(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    c = read_reports(tmp_path / "in", jobs=1, cache=False, progress=False)
    assert len(c.reports) == 0 and len(c.errors) == 1
    back = Corpus.from_store(c.to_store(tmp_path / "s"))
    for name in ("requests", "active", "reviews", "errors"):
        pd.testing.assert_frame_equal(getattr(c, name), getattr(back, name), obj=name)


def test_generic_frames_round_trip(tmp_path):
    reports = pd.DataFrame({"report_id": pd.array(["a", "b"], dtype="string"), "year": pd.array([2020, None], dtype="Int64")})
    extra = pd.DataFrame(
        {
            "report_id": pd.array(["a", "b", "b"], dtype="string"),
            "mixed": [1, "x", None],  # not one Arrow type: kept as text
            "tags": [["p", "q"], [], None],
            "unordered": pd.Categorical(["y", "x", "y"], categories=["y", "x", "z"]),
            "amount": pd.array([Decimal("1.50"), None, Decimal("2")], dtype=pd.ArrowDtype(pa.decimal128(12, 2))),
            "text": ["a", None, "c"],
        }
    )
    write_store({"reports": reports, "extra": extra}, tmp_path, partitioned={"reports", "extra"}, meta={})
    frames, _ = read_store(tmp_path)
    pd.testing.assert_frame_equal(frames["reports"], reports)
    back = frames["extra"]
    assert back["mixed"].tolist() == ["1", "x", pd.NA]
    assert back["tags"].tolist() == [["p", "q"], [], None]
    pd.testing.assert_series_equal(back["unordered"], extra["unordered"])
    pd.testing.assert_series_equal(back["amount"], extra["amount"])
    pd.testing.assert_series_equal(back["text"], extra["text"])
    obj = pd.Series(["a", None], dtype=object, name="obj")  # None stays None in an object column
    write_store({"o": obj.to_frame()}, tmp_path / "o", partitioned=set(), meta={})
    assert read_store(tmp_path / "o")[0]["o"]["obj"].tolist() == ["a", None]


def test_not_a_store(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a govreport store"):
        Corpus.from_store(tmp_path)


def test_result_cache(tmp_path):
    cache = ResultCache(tmp_path, "opts")
    assert cache.get("abc") is None
    cache.put("abc", {"ok": True, "frame": pd.DataFrame({"a": [1]})})
    assert cache.get("abc")["frame"]["a"].tolist() == [1]
    assert ResultCache(tmp_path, "other options").get("abc") is None  # options are part of the key
    path = next(tmp_path.rglob("*.pkl"))
    path.write_bytes(b"not a pickle")
    assert cache.get("abc") is None and not path.exists()  # a corrupt entry is a miss, and removed
    cache.put("abc", {"ok": True})
    cache.clear()
    assert cache.get("abc") is None
