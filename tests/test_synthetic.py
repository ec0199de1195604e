"""Synthetic reports: the generator's own guarantees and the reader round trip.

Every synthetic report is read back with ``read_report`` and compared with
the truth the generator returns, cell by cell, in every form and both
templates; the same report printed in different forms must give equal
frames.
"""

import time
from decimal import Decimal

import pandas as pd
import pytest

from govreport import read_report
from govreport.report import COL2_ORDER, COL3_ORDER, OUTCOME_ORDER, PROC_ORDER, ROW2_ORDER, ROW3_ORDER
from govreport.synthetic import (
    FORMS,
    INJECTIONS,
    SYNTHETIC_MARK,
    TEMPLATES,
    agency_name,
    broken_identities,
    cells_of,
    chinese_number,
    make_corpus,
    make_report,
    truth_frame,
)

SEEDS = (0, 3, 11, 42, 1234)
VALUE_COLUMNS = {
    "requests": ["row", "column", "value", "kind", "certainty"],
    "active": ["row", "column", "value", "count", "amount", "unit", "kind", "certainty"],
    "reviews": ["proceeding", "outcome", "value", "kind", "certainty"],
}


def _diff(got: dict, want: dict) -> dict:
    return {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}


# --------------------------------------------------------------------------
# the reader round trip
# --------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
def test_read_report_returns_the_truth(seed, template, form):
    text, truth = make_report(seed, template=template, form=form)
    report = read_report(text)
    got = cells_of(report)
    assert _diff(got, truth["cells"]) == {}
    assert set(got) == set(truth["cells"]), "the reader returned cells the report does not print"
    assert report.template == template
    assert report.agency == truth["agency"]
    assert report.year == truth["year"]
    assert report.doubts.empty
    for frame in (report.requests, report.active, report.reviews):
        assert (frame["certainty"] == "printed").all()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_kinds_match_the_truth(template, form):
    text, truth = make_report(5, template=template, form=form)
    report = read_report(text)
    tf = truth_frame(truth).set_index(["table", "row", "column"])["kind"]
    req = report.requests
    got = {("table3", str(r), str(c)): str(k) for r, c, k in zip(req["row"], req["column"], req["kind"], strict=True)}
    want = {k: v for k, v in tf.items() if k[0] == "table3"}
    assert got == want


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_same_report_in_every_form_gives_equal_frames(seed, template):
    reports = {form: read_report(make_report(seed, template=template, form=form)[0]) for form in FORMS}
    first = reports[FORMS[0]]
    for form in FORMS[1:]:
        for name, cols in VALUE_COLUMNS.items():
            a = getattr(first, name)[cols].reset_index(drop=True)
            b = getattr(reports[form], name)[cols].reset_index(drop=True)
            pd.testing.assert_frame_equal(a, b, obj=f"{name} ({FORMS[0]} vs {form})")


@pytest.mark.parametrize("option", [o for o in INJECTIONS if not o.startswith("PROSE")])
@pytest.mark.parametrize("form", FORMS)
def test_injected_errors_are_read_as_printed(option, form):
    text, truth = make_report(8, template="2021", form=form, inject=option)
    got = cells_of(read_report(text))
    assert _diff(got, truth["cells"]) == {}
    for table, row, col, _was, now in truth["injected"][0]["cells"]:
        assert got[table, row, col] == now


def _failed_checks(report) -> list[tuple[str, str]]:
    try:
        checks = report.checks
    except ImportError:  # pragma: no cover - the checks catalogue is optional here
        pytest.skip("govreport.checks is not available")
    failed = checks[checks["status"] == "fail"]
    return sorted(set(zip(failed["check_id"], failed["subject"], strict=True)))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_checks_pass_on_consistent_reports(template, form):
    for seed in (2, 9):
        text, _ = make_report(seed, template=template, form=form)
        assert _failed_checks(read_report(text)) == []


@pytest.mark.parametrize("option", INJECTIONS)
@pytest.mark.parametrize("form", FORMS)
def test_checks_flag_exactly_the_injected_error(option, form):
    for template in TEMPLATES:
        text, truth = make_report(21, template=template, form=form, inject=option)
        assert _failed_checks(read_report(text)) == sorted(truth["injected"][0]["breaks"])


# --------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_identities_hold_in_every_truth(template):
    for seed in range(200):
        _, truth = make_report(seed, template=template)
        assert broken_identities(truth["cells"], truth["figures"]) == [], seed
        assert all(v >= 0 for (t, _r, c), v in truth["cells"].items() if c != "change")


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("option", INJECTIONS)
def test_each_injection_breaks_exactly_what_it_documents(option, template):
    for seed in range(30):
        _, truth = make_report(seed, template=template, inject=option)
        (inj,) = truth["injected"]
        assert inj["option"] == option
        assert sorted(broken_identities(truth["cells"], truth["figures"])) == sorted(inj["breaks"])
        assert all(now != was for *_k, was, now in inj["cells"])


def test_injections_combine_and_unknown_ones_are_refused():
    _, truth = make_report(1, inject=("T3.balance", "T4.total"))
    assert [i["option"] for i in truth["injected"]] == ["T3.balance", "T4.total"]
    with pytest.raises(ValueError, match="inject"):
        make_report(1, inject="T9.nothing")
    with pytest.raises(ValueError):
        make_report(1, form="pdf")
    with pytest.raises(ValueError):
        make_report(1, template="2017")


def test_prose_figures_are_printed():
    text, truth = make_report(4, form="text-pipes")
    fig = truth["figures"]
    assert f"主动公开政府信息{fig['active_total']}条" in text or f"主动公开信息{fig['active_total']}条" in text
    assert f"收到政府信息公开申请{fig['requests_received']}件" in text
    assert f"工单{fig['hotline_orders']}件" in text
    assert "12345" in text
    assert fig["requests_received"] == truth["cells"]["table3", "new_requests", "total"]
    bad_text, bad = make_report(4, form="text-pipes", inject="PROSE.requests_received")
    assert f"收到政府信息公开申请{bad['figures']['requests_received']}件" in bad_text
    assert bad["cells"] == truth["cells"]


@pytest.mark.parametrize("form", FORMS)
def test_every_text_is_labelled_synthetic(form):
    text, truth = make_report(99, form=form)
    assert SYNTHETIC_MARK in text[:600]
    assert truth["agency"].startswith("合成")
    for section in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert section in text


def test_values_do_not_depend_on_the_form_and_are_deterministic():
    truths = [make_report(17, template="2019", form=f)[1]["cells"] for f in FORMS]
    assert truths[0] == truths[1] == truths[2]
    assert make_report(17, form="html") == make_report(17, form="html")
    assert make_report(17)[1]["cells"] != make_report(18)[1]["cells"]


def test_year_and_agency_can_be_chosen():
    text, truth = make_report(2, year=2024, agency="合成县第九办公室")
    assert truth["year"] == 2024 and truth["agency"] == "合成县第九办公室"
    assert "合成县第九办公室2024年政府信息公开工作年度报告" in text
    report = read_report(text)
    assert (report.agency, report.year) == ("合成县第九办公室", 2024)


def test_generator_keys_are_the_library_keys():
    for template in TEMPLATES:
        _, truth = make_report(0, template=template)
        for table, row, col in truth["cells"]:
            if table == "table3":
                assert row in ROW3_ORDER and col in COL3_ORDER
            elif table == "table2":
                assert row in ROW2_ORDER and col in COL2_ORDER
            else:
                assert row in PROC_ORDER and col in OUTCOME_ORDER
    assert isinstance(make_report(0)[1]["cells"]["table2", "fees", "fee_amount"], Decimal)


def test_names():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 99, 100, 101, 110, 10000)] == [
        "一", "十", "十一", "二十", "九十九", "一百", "一百零一", "一百一十", "一万"]
    names = {agency_name(i) for i in range(5000)}
    assert len(names) == 5000
    assert all(n.startswith("合成") and not any(ch.isdigit() for ch in n) for n in names)


# --------------------------------------------------------------------------
# corpora
# --------------------------------------------------------------------------


def test_make_corpus_writes_every_combination_deterministically(tmp_path):
    a = make_corpus(tmp_path / "a", 24, seed=5, forms=FORMS)
    b = make_corpus(tmp_path / "b", 24, seed=5, forms=FORMS)
    assert len(a) == 24
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    names = [p.name for p in a]
    assert {(n.split("_")[1], n.split("_", 2)[2].rsplit(".", 1)[0]) for n in names} == {
        (t, f) for t in TEMPLATES for f in FORMS}
    manifest = pd.read_csv(tmp_path / "a" / "MANIFEST.csv")
    assert list(manifest["file"]) == names
    row = manifest.iloc[7]
    text, _ = make_report(int(row["seed"]), template=str(row["template"]), form=row["form"])
    assert (tmp_path / "a" / row["file"]).read_text(encoding="utf-8") == text
    c = make_corpus(tmp_path / "c", 24, seed=6, forms=FORMS)
    assert [p.read_bytes() for p in c] != [p.read_bytes() for p in a]


def test_make_corpus_reads_back(tmp_path):
    paths = make_corpus(tmp_path, 12, seed=1, forms=FORMS, years=[2022], agencies=["合成市第一局", "合成市第二局"])
    manifest = pd.read_csv(tmp_path / "MANIFEST.csv")
    for p, (_, row) in zip(paths, manifest.iterrows(), strict=True):
        report = read_report(p)
        _, truth = make_report(int(row["seed"]), template=str(row["template"]), year=2022, agency=row["agency"])
        assert _diff(cells_of(report), truth["cells"]) == {}
        assert report.agency in ("合成市第一局", "合成市第二局")


def test_make_corpus_is_fast(tmp_path):
    t = time.perf_counter()
    make_corpus(tmp_path, 2000, forms=FORMS)
    elapsed = time.perf_counter() - t
    assert elapsed < 10, f"2,000 reports took {elapsed:.1f} s"


def test_make_corpus_in_parallel_writes_the_same_files(tmp_path):
    one = make_corpus(tmp_path / "one", 4100, seed=2, jobs=1)
    two = make_corpus(tmp_path / "two", 4100, seed=2, jobs=2)
    assert [p.name for p in one] == [p.name for p in two]
    for k in (0, 2049, 2050, 4099):
        assert one[k].read_bytes() == two[k].read_bytes()
    assert (tmp_path / "one" / "MANIFEST.csv").read_bytes() == (tmp_path / "two" / "MANIFEST.csv").read_bytes()
