"""read_reports → Corpus: every input accounted for, duplicates, agencies, workers that fail.

The folders are built from copies of real reports in ../shared/reports plus
inputs that must fail (empty, random bytes, a truncated report).  Workers that
raise, hang or die are simulated through ``read_reports(_parse=…)``, a hook
used only by tests, selected by file name.
"""

from __future__ import annotations

import os
import random
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import govreport
import govreport.errors
from govreport.agencies import AgencyMap, MapEntry
from govreport.corpus import FRAMES, Corpus, discover_inputs, parse_one, read_reports
from govreport.parallel import run_inprocess, run_processes

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
SEED = "000_33126a39afb50b1e.txt"
GOOD = [SEED, "029_sanming_szf_2019_page.txt", "031_sanming_szf_2021_page.txt"]
TWO_FORMS = ["043_putian_cgj_2025.html", "043_putian_cgj_2025_page.txt"]
ORDERED = {
    "requests": ["row", "column", "kind", "certainty"],
    "active": ["row", "column", "kind", "certainty"],
    "reviews": ["proceeding", "outcome", "kind", "certainty"],
}


def real(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.fail(f"real report {name} missing from {SHARED}")
    return path


def _copy(names, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(real(name), folder / name)


def make_mixed(folder: Path) -> Path:
    """3 real reports, a duplicate, an empty file, random bytes, a truncated report, and files to skip."""
    _copy(GOOD, folder)
    sub = folder / "crawl2"
    sub.mkdir()
    shutil.copy(real(GOOD[1]), sub / "sanming-2019-copy.txt")  # the same report under another name
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.bin").write_bytes(random.Random(0).randbytes(4096))
    seed = real(SEED).read_bytes()
    (folder / "truncated.txt").write_bytes(seed[: int(len(seed) * 0.3)])
    # not inputs
    (folder / "MANIFEST.csv").write_text("file\n")
    (folder / "README.md").write_text("# readme\n")
    (folder / f"{SEED}.expected.json").write_text("{}")
    (folder / ".hidden.txt").write_bytes(seed)
    (folder / ".git").mkdir()
    (folder / ".git" / "x.txt").write_bytes(seed)
    return folder


@pytest.fixture
def mixed(tmp_path) -> Path:
    return make_mixed(tmp_path / "mixed")


MIXED_FAILED = {"empty.txt", "random.bin", "truncated.txt"}


def _names(series) -> set[str]:
    return {Path(str(s).split("!")[-1]).name for s in series}


def _assert_accounted(c: Corpus) -> None:
    loaded = sum(len(s) for s in c.reports["sources"])
    assert loaded == len(c.reports) + len(c.duplicates)
    assert loaded + len(c.errors) == c.meta["inputs"]


# ---------------------------------------------------------------------------
# a mixed folder


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory) -> Corpus:
    folder = make_mixed(tmp_path_factory.mktemp("corpus") / "mixed")
    return read_reports(folder, jobs=2, cache=False, progress=False)


def test_mixed_folder_counts(mixed_corpus):
    c = mixed_corpus
    assert c.meta["inputs"] == 7
    assert len(c.reports) == 3
    assert len(c.duplicates) == 1
    assert len(c.errors) == 3
    assert _names(c.errors["source"]) == MIXED_FAILED
    _assert_accounted(c)
    s = c.summary()
    assert (s["inputs"], s["loaded"], s["reports"], s["duplicates"], s["failed"]) == (7, 4, 3, 1, 3)


def test_errors_name_the_file_and_reason(mixed_corpus):
    errors = mixed_corpus.errors
    assert list(errors.columns) == ["source", "error", "reason", "content_hash", "size"]
    assert errors["reason"].str.len().gt(0).all()
    for name in errors["error"]:
        assert issubclass(getattr(govreport.errors, name), govreport.GovReportError)
    assert errors.set_index(errors["source"].map(lambda s: Path(s).name)).loc["empty.txt", "size"] == 0


def test_duplicate_kept_once_with_both_sources(mixed_corpus):
    c = mixed_corpus
    dup = c.duplicates.iloc[0]
    kept = c.reports.set_index("report_id").loc[dup["duplicate_of"]]
    assert kept["n_sources"] == 2
    assert _names(kept["sources"]) == {GOOD[1], "sanming-2019-copy.txt"}
    assert Path(kept["source"]).name == Path(kept["sources"][0]).name
    assert dup["reason"] == "same text"
    assert (c.reports["n_sources"] == c.reports["sources"].map(len)).all()


def test_frames_keyed_and_typed_like_a_report(mixed_corpus):
    c = mixed_corpus
    one = govreport.read_report(real(SEED))
    ids = set(c.reports["report_id"])
    assert one.report_id in ids
    for name, cols in ORDERED.items():
        df, single = getattr(c, name), getattr(one, name)
        assert list(df.columns) == list(single.columns)
        assert set(df["report_id"]) == ids
        for col in cols:  # same ordered categoricals, all categories kept
            assert df[col].dtype == single[col].dtype
            assert list(df[col].cat.categories) == list(single[col].cat.categories)
        assert df["value"].dtype == single["value"].dtype
        # the seed's rows are exactly its own frame
        mine = df[df["report_id"] == one.report_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine.drop(columns="mechanism"), single.drop(columns="mechanism"))
    assert c.reports["report_id"].is_unique
    assert c.reports["year"].dtype == "Int64"
    # reports are sorted by year (then agency id): the store reads them back in this order
    assert list(c.reports["year"]) == sorted(c.reports["year"])


def test_frame_with_meta(mixed_corpus):
    req = mixed_corpus.frame("requests")
    assert list(req.columns[:4]) == ["report_id", "agency_id", "agency", "year"]
    assert req["agency_id"].notna().all()
    assert len(req) == len(mixed_corpus.requests)
    assert req["row"].dtype == mixed_corpus.requests["row"].dtype
    assert mixed_corpus.frame("requests", with_meta=False) is mixed_corpus.requests
    with pytest.raises(ValueError, match="expected one of"):
        mixed_corpus.frame("tables")


def test_repr_and_frames(mixed_corpus):
    assert "3 reports" in repr(mixed_corpus) and "7 inputs: 4 loaded" in repr(mixed_corpus)
    assert list(mixed_corpus.frames) == list(FRAMES)
    assert len(mixed_corpus) == 3


# ---------------------------------------------------------------------------
# agencies


def test_agency_ids_and_variants(tmp_path):
    folder = tmp_path / "sanming"
    _copy(GOOD[1:], folder)
    c = read_reports(folder, jobs=1, cache=False, progress=False)
    assert set(c.reports["agency_id"]) == {"350400-三明市人民政府"}
    assert set(c.reports["agency_norm"]) == {"三明市人民政府"}
    row = c.agencies.set_index("variant").loc["三明市"]
    assert row["agency_id"] == "350400-三明市人民政府"
    assert row["rule"] == "normalised"
    assert row["n_reports"] == 2 and (row["first_year"], row["last_year"]) == (2019, 2021)
    # an analyst splits the agency by hand
    amap = AgencyMap([MapEntry("三明市", "350400", "350400-三明市（按人工拆分）", "test")])
    c2 = read_reports(folder, jobs=1, cache=False, progress=False, agency_map=amap)
    assert set(c2.reports["agency_id"]) == {"350400-三明市（按人工拆分）"}
    assert c2.agencies["rule"].tolist() == ["map"]


def test_same_report_in_two_forms_kept_once(tmp_path):
    folder = tmp_path / "forms"
    _copy(TWO_FORMS, folder)
    c = read_reports(folder, jobs=1, cache=False, progress=False)
    assert len(c.reports) == 1 and len(c.duplicates) == 1
    assert _names(c.reports["sources"].iloc[0]) == set(TWO_FORMS)
    assert c.duplicates["reason"].iloc[0] == "same agency, year and tables"


def test_same_agency_and_year_with_other_figures_are_two_reports(tmp_path):
    # the zone and the county government: one agency id by the shipped map, 2013 figures that differ
    folder = tmp_path / "pingtan"
    _copy(["017_pingtan_2013_page.txt", "013_pingtan_xianzf_2013_page.txt"], folder)
    c = read_reports(folder, jobs=1, cache=False, progress=False)
    assert len(c.reports) == 2 and c.duplicates.empty
    assert len(set(c.reports["agency_id"])) == 1 and set(c.reports["year"]) == {2013}
    assert set(c.legacy["report_id"]) == set(c.reports["report_id"])  # pre-2019 tables kept


# ---------------------------------------------------------------------------
# workers that raise, hang or die


def flaky_parse(data: bytes, source: str, budget):
    """Test hook: misbehave according to the file name."""
    name = Path(source).name
    if name.startswith("RAISE"):
        raise ValueError("boom from the parser")
    if name.startswith("HANG"):
        time.sleep(600)
    if name.startswith("CRASH"):
        os._exit(7)
    return govreport.read_report(data, budget=budget)


@pytest.fixture
def flaky(tmp_path) -> Path:
    folder = tmp_path / "flaky"
    _copy(GOOD, folder)
    seed = real(SEED).read_bytes()
    for bad in ("RAISE.txt", "HANG.txt", "CRASH.txt"):  # the seed, with bytes of its own
        (folder / bad).write_bytes(seed + f"\n<!-- {bad} -->\n".encode())
    return folder


def test_worker_raises_hangs_crashes_loses_nothing(flaky):
    t0 = time.perf_counter()
    c = read_reports(flaky, jobs=2, timeout=3, cache=False, progress=False, _parse=flaky_parse)
    elapsed = time.perf_counter() - t0
    assert c.meta["inputs"] == 6
    assert len(c.reports) == 3 and len(c.duplicates) == 0
    errors = c.errors.set_index(c.errors["source"].map(lambda s: Path(s).name))
    assert set(errors.index) == {"RAISE.txt", "HANG.txt", "CRASH.txt"}
    assert errors.loc["RAISE.txt", "error"] == "ValueError"
    assert "boom" in errors.loc["RAISE.txt", "reason"]
    assert errors.loc["HANG.txt", "error"] == "Timeout"
    assert errors.loc["CRASH.txt", "error"] == "WorkerCrashed"
    assert "exit code 7" in errors.loc["CRASH.txt", "reason"]
    _assert_accounted(c)
    assert elapsed < 30  # the hung worker was killed, not waited for


def test_inprocess_records_exceptions(flaky):
    (flaky / "HANG.txt").unlink()
    (flaky / "CRASH.txt").unlink()
    c = read_reports(flaky, jobs=1, cache=False, progress=False, _parse=flaky_parse)
    assert len(c.reports) == 3
    assert c.errors["error"].tolist() == ["ValueError"]


def test_failed_results_are_not_cached_but_reports_are(flaky, tmp_path):
    (flaky / "HANG.txt").unlink()
    cache = tmp_path / "cache"
    c1 = read_reports(flaky, jobs=2, cache=cache, progress=False, _parse=flaky_parse)
    assert len(c1.errors) == 2
    c2 = read_reports(flaky, jobs=1, cache=cache, progress=False)  # no hook: the bad files now read
    assert c2.meta["cached"] == 3 and c2.meta["parsed"] == 2
    assert c2.errors.empty and len(c2.reports) == 3 and len(c2.duplicates) == 2


def _square(x):
    if x == 3:
        os._exit(1)
    if x == 4:
        time.sleep(600)
    if x == 5:
        raise RuntimeError("five")
    return {"ok": True, "source": str(x), "value": x * x}


def test_run_processes_contract():
    out = dict(run_processes(list(range(8)), _square, jobs=3, timeout=2, max_tasks_per_worker=2))
    assert sorted(out) == list(range(8))
    assert out[3]["error"] == "WorkerCrashed"
    assert out[4]["error"] == "Timeout"
    assert out[5]["error"] == "RuntimeError"
    assert [out[i]["value"] for i in (0, 1, 2, 6, 7)] == [0, 1, 4, 36, 49]
    inproc = dict(run_inprocess([0, 5], _square))
    assert inproc[0]["value"] == 0 and inproc[1]["error"] == "RuntimeError"


# ---------------------------------------------------------------------------
# inputs


def test_zip_members_read_in_memory(tmp_path):
    archive = tmp_path / "crawl.zip"
    seed = real(SEED).read_bytes()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("reports/seed.txt", seed)
        zf.writestr("../../escape.txt", real(GOOD[1]).read_bytes())  # a name, never a path
        zf.writestr("reports/", b"")
        zf.writestr("__MACOSX/reports/._seed.txt", b"\x00\x05")
        zf.writestr("MANIFEST.csv", b"file\n")
        zf.writestr("bomb.txt", b"0" * 5_000_000)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    c = read_reports(archive, jobs=1, cache=False, progress=False)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing extracted
    assert c.meta["inputs"] == 3
    assert set(c.reports["source"]) == {f"{archive}!reports/seed.txt", f"{archive}!../../escape.txt"}
    bomb = c.errors.iloc[0]
    assert bomb["source"] == f"{archive}!bomb.txt"
    assert bomb["error"] == "BudgetExceededError" and "zip bomb" in bomb["reason"]
    small = read_reports(archive, jobs=1, cache=False, progress=False, budget=govreport.Budget(max_bytes=1000))
    assert len(small.reports) == 0 and len(small.errors) == 3


def test_lists_and_missing_paths(tmp_path):
    _copy(GOOD[:1], tmp_path)
    c = read_reports([tmp_path / SEED, tmp_path / "nope.txt", tmp_path / "broken.zip"], jobs=1, cache=False, progress=False)
    assert c.meta["inputs"] == 3 and len(c.reports) == 1
    assert c.errors["reason"].str.contains("no such file").all()
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    refs, failed = discover_inputs([tmp_path / "broken.zip"])
    assert refs == [] and "cannot open the archive" in failed[0]["reason"]
    with pytest.raises(FileNotFoundError):
        read_reports(tmp_path / "nope", cache=False)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="scheduler"):
        read_reports(tmp_path, scheduler="threads")
    with pytest.raises(ValueError, match="jobs"):
        read_reports(tmp_path, jobs=0)


def test_empty_folder(tmp_path):
    c = read_reports(tmp_path, cache=False, progress=False)
    assert c.meta["inputs"] == 0 and len(c.reports) == 0
    one = govreport.read_report(real(SEED))
    assert list(c.requests.columns) == list(one.requests.columns)
    assert c.requests["row"].dtype == one.requests["row"].dtype


def test_parse_one_never_raises():
    assert parse_one(b"")["ok"] is False
    assert parse_one(b"", name="x")["source"] == "x"
    ok = parse_one(real(SEED))
    assert ok["ok"] and ok["info"]["source"] == str(real(SEED))
    assert set(ok["frames"]) >= {"requests", "active", "reviews", "doubts"}


# ---------------------------------------------------------------------------
# cache and progress


def test_cached_reload_is_equal_and_skips_parsing(mixed, tmp_path):
    cache = tmp_path / "cache"
    first = read_reports(mixed, jobs=2, cache=cache, progress=False)
    t0 = time.perf_counter()
    again = read_reports(mixed, jobs=2, cache=cache, progress=False)
    took = time.perf_counter() - t0
    assert first.meta["parsed"] == 7 and again.meta["parsed"] == 0 and again.meta["cached"] == 7
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name), obj=name)
    assert took < 5
    # a renamed copy is recognised by its bytes and recorded under its new name
    os.rename(mixed / GOOD[0], mixed / "renamed.txt")
    moved = read_reports(mixed, jobs=2, cache=cache, progress=False)
    assert moved.meta["cached"] == 7
    assert "renamed.txt" in _names(moved.reports["source"])


def test_progress_bar_shows_in_a_terminal_only(mixed, capsys, monkeypatch):
    from govreport.corpus import _progress_enabled

    monkeypatch.delenv("GOVREPORT_PROGRESS", raising=False)
    assert _progress_enabled(None) is False  # pytest's stderr is not a TTY
    monkeypatch.setenv("GOVREPORT_PROGRESS", "1")
    assert _progress_enabled(None) is True
    assert _progress_enabled(False) is False
    read_reports(mixed, jobs=1, cache=False, progress=True)
    assert "7/7" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# dask


@pytest.mark.slow
def test_dask_build_equals_local(mixed):
    distributed = pytest.importorskip("distributed")
    local = read_reports(mixed, jobs=2, cache=False, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            remote = read_reports(mixed, cache=False, progress=False, scheduler="dask", client=client)
    assert remote.meta["scheduler"] == "dask"
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(local, name), getattr(remote, name), obj=name)


def test_unchanged_folder_loads_the_cached_corpus(mixed, tmp_path):
    from govreport.corpus import _save_memo
    from govreport.parallel import failure
    from govreport.store import ResultCache

    cache = tmp_path / "cache"
    first = read_reports(mixed, jobs=2, cache=cache, progress=False)
    again = read_reports(mixed, jobs=2, cache=cache, progress=False)
    assert again.meta.get("memo") is True and "memo" not in first.meta
    assert "store" not in again.meta  # SQL runs on the frames in memory, as after a fresh build
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name), obj=name)
    other_map = AgencyMap([MapEntry("三明市", "350400", "350400-x", "")])
    assert "memo" not in read_reports(mixed, jobs=1, cache=cache, progress=False, agency_map=other_map).meta
    # a corpus with a time-out or a crash is not kept whole: the next load retries those files
    store = ResultCache(tmp_path / "c2")
    _save_memo(store, "k1", first, [{"ok": True}, failure("a", "Timeout", "slow")])
    _save_memo(store, "k2", first, [{"ok": True}, failure("b", "NotAReportError", "no", cache=True)])
    assert not store.corpus_path("k1").exists() and store.corpus_path("k2").is_dir()


def test_hash_index_skips_unchanged_files(tmp_path):
    from govreport.inputs import InputRef, content_hash, hash_inputs, stat_key

    f = tmp_path / "a.txt"
    f.write_bytes(b"one")
    ref = InputRef(str(f), str(f))
    index: dict = {}
    assert hash_inputs([ref], index=index) == [content_hash(b"one")]
    index[stat_key(ref)] = "remembered"
    assert hash_inputs([ref], index=index) == ["remembered"]  # stat unchanged: not read again
    f.write_bytes(b"two")
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert hash_inputs([ref], index=index) == [content_hash(b"two")]


def _slow(x):
    time.sleep(x)
    return {"ok": True, "source": str(x)}


def test_dask_task_time_limit_without_a_cluster():
    from govreport.parallel import _run_chunk

    out = dict(_run_chunk([(0, 0.0), (1, 2.0)], _slow, 0.3))
    assert out[0]["ok"] and out[1]["error"] == "Timeout"


def test_frames_batched_as_they_arrive_equal_one_batch(mixed):
    from govreport.corpus import _assemble, _Collector

    refs, failed = discover_inputs(mixed)
    results = failed + [parse_one(ref) for ref in refs]
    small, big = _Collector(batch=2), _Collector(batch=10**6)
    for r in reversed(results):  # arrival order does not matter
        small.add(r)
    for r in results:
        big.add(r)
    a, b = _assemble(small), _assemble(big)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    mech = a.requests["mechanism"].dtype
    assert list(mech.categories) == sorted(a.requests["mechanism"].dropna().unique(), key=str)


def test_same_report_in_two_forms_with_unsettled_crawl_cells_is_one_report(tmp_path):
    """Real pair: the portal HTML prints 本年废止 4; the collapsed crawl of the same page
    leaves that cell ambiguous (its candidates include 4).  One report, both sources."""
    import shutil

    from govreport.corpus import read_reports

    data = Path(__file__).resolve().parents[1] / "data" / "reports"
    for name in ("putian_ptcg_2024_page.html", "putian_ptcg_2024_page.txt"):
        shutil.copy(data / name, tmp_path / name)
    c = read_reports(tmp_path, jobs=1, cache=False, progress=False)
    assert len(c.reports) == 1 and len(c.duplicates) == 1 and len(c.errors) == 0
    assert c.reports.iloc[0]["source"].endswith(".html")
    assert sorted(Path(s).suffix for s in c.reports.iloc[0]["sources"]) == [".html", ".txt"]
    assert "settle" in c.duplicates.iloc[0]["reason"]
