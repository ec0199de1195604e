"""Reports before 2019: no standard tables invented; the old statistics table read as printed."""

from __future__ import annotations

import pytest

import govreport


def test_pre_2019_report_has_no_standard_tables(shared_report):
    r = govreport.read_report(shared_report("054_sanming_szf_2013_page.txt"))
    assert r.template == "pre-2019" and r.year == 2013
    assert len(r.requests) == 0 and len(r.active) == 0 and len(r.reviews) == 0
    assert (r.doubts["doubt"] == "pre-2019 report").any()
    legacy = r.legacy.set_index(["indicator", "column"])["value"]
    assert legacy[("主动公开文件数", "this_year")] == 34495 and legacy[("主动公开文件数", "cumulative")] == 225627


def test_old_table_one_value_per_line_and_html_agree(shared_report):
    text = govreport.read_report(shared_report("056_putian_tjj_2008_page.txt"))
    html = govreport.read_report(shared_report("056_putian_tjj_2008.html"))
    assert list(text.legacy["indicator"]) == list(html.legacy["indicator"])
    assert list(text.legacy["value"]) == list(html.legacy["value"])
    first = text.legacy.iloc[0]
    assert (first["indicator"], first["unit"], first["value"]) == ("主动公开信息数", "条", 308)


def test_run_together_old_table_is_marked_not_guessed(shared_report):
    # '主动公开文件数条206912106': 2069 | 12106 or 20691 | 2106 … — the text does not settle it
    r = govreport.read_report(shared_report("010_pingtan_2018_page.txt"))
    row = r.legacy[(r.legacy["indicator"] == "主动公开文件数") & (r.legacy["column"] == "this_year")].iloc[0]
    assert row["certainty"] == "ambiguous" and "2069" in row["candidates"]


def test_space_separated_old_table_with_a_missing_cell(shared_report):
    r = govreport.read_report(shared_report("017_pingtan_2013_page.txt"))
    legacy = r.legacy.set_index(["indicator", "column"])
    assert legacy.loc[("网站公开", "cumulative"), "value"] == 76424
    # '政府公报公开 条 0': one number for two columns — which one is not printed
    assert set(legacy.loc[("政府公报公开", slice(None)), "certainty"]) == {"unknown"}


@pytest.mark.parametrize("name", ["011_pingtan_2017_page.txt", "012_pingtan_dishuiju_2013_page.txt", "038_putian_szf_2008_page.txt", "020_pingtan_2011_page.txt"])
def test_every_pre_2019_report_loads(shared_report, name):
    r = govreport.read_report(shared_report(name))
    assert r.template == "pre-2019" and r.year < 2019
    assert len(r.checks) > 0  # runs; nothing to assess in the standard tables
