"""Tests of govreport.plotting: the CJK font, the style, and the helpers' artists (not pixels)."""

from __future__ import annotations

import io
import os
import warnings

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from govreport import plotting as gp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def requests_df():
    return pd.DataFrame(
        {
            "机关 Agency": ["市政府办公室", "市教育局", "市公安局"] * 2,
            "year": [2022] * 3 + [2023] * 3,
            "件数 Requests": [120, 45, 300, 150, 50, 280],
        }
    )


def _draw(fig) -> list[warnings.WarningMessage]:
    """Render the figure to PNG and SVG and return every warning raised on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
    return list(caught)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.findobj(matplotlib.text.Text) if t.get_text()]


# --------------------------------------------------------------------------- font and style


def test_font_path_is_the_packaged_noto_cjk_file():
    import noto_cjk_sans_otc

    path = gp.font_path()
    assert path.is_file()
    assert path.name == "NotoSansCJK-Regular.ttc"
    assert os.path.samefile(path, os.fspath(noto_cjk_sans_otc.FONT_PATH))


def test_use_style_resolves_the_sc_face_of_the_packaged_font():
    path = gp.use_style()
    found = font_manager.findfont(
        font_manager.FontProperties(family=gp.CJK_FAMILY), fallback_to_default=False
    )
    assert os.path.samefile(found, path)  # the pinned file wins over a system copy (fonts-noto-cjk)
    face = font_manager.get_font(found)
    assert face.family_name == gp.CJK_FAMILY
    # the rcParams make it the first choice, with DejaVu Sans behind it
    assert list(matplotlib.rcParams["font.family"])[:2] == [gp.CJK_FAMILY, gp.LATIN_FALLBACK]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["svg.hashsalt"] == "govreport"


def test_use_style_is_idempotent():
    gp.use_style()
    first = dict(matplotlib.rcParams)
    n_fonts = len(font_manager.fontManager.ttflist)
    gp.use_style()
    assert dict(matplotlib.rcParams) == first
    assert len(font_manager.fontManager.ttflist) == n_fonts  # the font is registered once


def test_chinese_text_draws_without_missing_glyph_warnings():
    gp.use_style()
    fig, ax = plt.subplots()
    ax.set_title(gp.bilingual("政府信息公开工作年度报告", "Annual report"))
    ax.set_xlabel("主动公开 Active disclosure −1")
    ax.text(0.5, 0.5, "依申请公开·行政复议·行政诉讼（件）")
    caught = _draw(fig)
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []


def test_without_the_style_chinese_would_be_missing():
    """The guard above is meaningful: DejaVu Sans alone has no CJK glyphs."""
    fig, ax = plt.subplots()
    ax.set_title("政府信息公开", family="DejaVu Sans")
    caught = _draw(fig)
    assert any("missing from font" in str(w.message) for w in caught)


def test_svg_output_is_deterministic():
    gp.use_style()

    def svg() -> str:
        fig, ax = plt.subplots()
        ax.bar(["甲", "乙"], [1, 2])
        ax.set_title("测试 Test")
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        plt.close(fig)
        return buf.getvalue()

    assert svg() == svg()


# --------------------------------------------------------------------------- labels


def test_bilingual():
    assert gp.bilingual("主动公开", "Active disclosure") == "主动公开 Active disclosure"
    assert gp.bilingual(" 主动公开 ", " Active ", sep="\n") == "主动公开\nActive"
    with pytest.raises(ValueError):
        gp.bilingual("主动公开", "")
    assert gp.is_bilingual("申请 Requests")
    assert not gp.is_bilingual("Requests")
    assert not gp.is_bilingual("申请")


def test_labels_must_be_bilingual(requests_df):
    with pytest.raises(ValueError, match="title must be bilingual"):
        gp.bar_by(requests_df, "机关 Agency", "件数 Requests", hue="year", title="Requests only")
    assert plt.get_fignums() == []  # refused before anything was drawn
    with pytest.raises(ValueError, match="ylabel must be bilingual"):
        gp.bar_by(
            requests_df.rename(columns={"件数 Requests": "n_requested"}),
            "机关 Agency",
            "n_requested",
            hue="year",
            title=("申请", "Requests"),
        )


# --------------------------------------------------------------------------- bar_by


def test_bar_by_heights_equal_the_data(requests_df):
    one_year = requests_df[requests_df["year"] == 2023]
    ax = gp.bar_by(one_year, "机关 Agency", "件数 Requests", title=("申请数", "Requests"))
    heights = [p.get_height() for p in ax.patches]
    assert heights == one_year["件数 Requests"].tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == one_year["机关 Agency"].tolist()
    assert ax.get_title(loc="left") == "申请数 Requests"
    assert gp.is_bilingual(ax.get_xlabel()) and gp.is_bilingual(ax.get_ylabel())


def test_bar_by_with_hue_and_annotations(requests_df):
    ax = gp.bar_by(
        requests_df, "机关 Agency", "件数 Requests", hue="year", annotate=True, title=("申请数", "Requests")
    )
    by_year = {}
    for container in ax.containers:
        by_year[container.get_label()] = [p.get_height() for p in container]
    assert by_year == {"2022": [120, 45, 300], "2023": [150, 50, 280]}
    assert ax.get_legend().get_title().get_text() == "年份 Year"
    assert {"120", "300", "280"} <= set(_texts(ax))
    assert not any("Glyph" in str(w.message) for w in _draw(ax.figure))


def test_bar_by_horizontal(requests_df):
    one_year = requests_df[requests_df["year"] == 2022]
    ax = gp.bar_by(one_year, "机关 Agency", "件数 Requests", horizontal=True, title=("申请数", "Requests"))
    assert [p.get_width() for p in ax.patches] == [120, 45, 300]
    assert ax.get_ylabel() == "机关 Agency"
    assert ax.get_xlabel() == "件数 Requests"


def test_bar_by_refuses_duplicates_instead_of_averaging(requests_df):
    with pytest.raises(ValueError, match="one row per"):
        gp.bar_by(requests_df, "机关 Agency", "件数 Requests", title=("申请数", "Requests"))


def test_helpers_accept_an_axes_and_return_it(requests_df):
    fig, ax = plt.subplots()
    out = gp.bar_by(
        requests_df[requests_df.year == 2022],
        "机关 Agency",
        "件数 Requests",
        title=("申请数", "Requests"),
        ax=ax,
    )
    assert out is ax


# --------------------------------------------------------------------------- line_by_year


def test_line_by_year_values_and_gap():
    df = pd.DataFrame(
        {
            "year": [2020, 2021, 2023, 2020, 2021, 2022, 2023],
            "机关": ["甲"] * 3 + ["乙"] * 4,
            "n": [1, 2, 4, 5, 6, 7, 8],
        }
    )
    ax = gp.line_by_year(
        df, value="n", hue="机关", title=("申请趋势", "Requests by year"), legend_title=("机关", "Agency")
    )
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"甲", "乙"}
    x, y = lines["甲"].get_data()
    assert list(x) == [2020, 2021, 2022, 2023]
    assert np.isnan(y[2]) and list(y[[0, 1, 3]]) == [1, 2, 4]  # 2022 missing: a gap, not a bridge
    assert list(lines["乙"].get_ydata()) == [5, 6, 7, 8]
    assert ax.get_xlabel() == "年份 Year"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "2022", "2023"]
    assert ax.get_legend().get_title().get_text() == "机关 Agency"


# --------------------------------------------------------------------------- share_bars


def test_share_bars_segments_are_shares():
    df = pd.DataFrame(
        {
            "year": [2022] * 3 + [2023] * 3 + [2024] * 3,
            "结果": ["予以公开", "部分公开", "不予公开"] * 3,
            "n": [60, 30, 10, 1, 1, 2, 0, 0, 0],
        }
    )
    ax = gp.share_bars(
        df,
        "year",
        "结果",
        "n",
        title=("办理结果", "Outcomes"),
        ylabel=("年份", "Year"),
        legend_title=("结果", "Outcome"),
    )
    widths = {c.get_label(): [p.get_width() for p in c] for c in ax.containers}
    assert widths["予以公开"][:2] == pytest.approx([0.6, 0.25])
    assert widths["部分公开"][:2] == pytest.approx([0.3, 0.25])
    assert widths["不予公开"][:2] == pytest.approx([0.1, 0.5])
    assert all(np.isnan(widths[k][2]) for k in widths)  # total 0: no bar drawn
    texts = _texts(ax)
    assert "n=100" in texts and "n=4" in texts
    assert "无数据 no data" in texts
    assert "60%" in texts and "50%" in texts
    assert ax.get_xlabel() == "占比 Share"


def test_share_bars_rejects_negative_counts():
    df = pd.DataFrame({"x": ["甲", "甲"], "p": ["a", "b"], "n": [1, -1]})
    with pytest.raises(ValueError, match="negative"):
        gp.share_bars(df, "x", "p", "n", title=("结果", "Outcome"), ylabel=("机关", "Agency"))


# --------------------------------------------------------------------------- rate_points


@pytest.fixture
def rates_df():
    return pd.DataFrame(
        {
            "机关": ["市政府办公室", "市教育局", "市公安局", "区政府"],
            "rate": [0.12, 0.4, 0.05, None],
            "n": [200, 12, 80, 0],
        }
    )


def test_rate_points_flags_small_denominators(rates_df):
    ax = gp.rate_points(
        rates_df,
        "rate",
        "n",
        by="机关",
        min_n=30,
        ylabel=("机关", "Agency"),
        title=("纠错率", "Correction rate"),
    )
    by_gid = {c.get_gid(): c for c in ax.collections}
    precise, small = by_gid["precise"], by_gid["small_n"]
    assert sorted(precise.get_offsets()[:, 0]) == pytest.approx([0.05, 0.12])
    assert list(small.get_offsets()[:, 0]) == pytest.approx([0.4])
    # hollow: no face colour, an edge colour
    assert len(small.get_facecolors()) == 0 or small.get_facecolors()[:, 3].max() == 0
    assert small.get_edgecolors()[:, 3].min() > 0
    assert precise.get_facecolors()[:, 3].min() > 0
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "small_n_note"]
    assert notes == ["n<30 (n=12)"]
    assert "无数据 no data" in _texts(ax)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("n<30" in t for t in legend) and all(gp.is_bilingual(t) for t in legend)
    assert ax.get_xlabel() == "比率 Rate"
    assert [t.get_text() for t in ax.get_yticklabels()] == rates_df["机关"].tolist()


def test_rate_points_respects_min_n(rates_df):
    ax = gp.rate_points(
        rates_df,
        "rate",
        "n",
        by="机关",
        min_n=100,
        ylabel=("机关", "Agency"),
        title=("纠错率", "Correction rate"),
    )
    notes = sorted(t.get_text() for t in ax.texts if t.get_gid() == "small_n_note")
    assert notes == ["n<100 (n=12)", "n<100 (n=80)"]


def test_rate_points_rejects_percentages(rates_df):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        gp.rate_points(
            rates_df.assign(rate=rates_df.rate * 100),
            "rate",
            "n",
            by="机关",
            ylabel=("机关", "Agency"),
            title=("纠错率", "Correction rate"),
        )


def test_wilson_interval():
    lo, hi = gp.wilson_interval(0, 10)
    assert lo == 0 and 0.25 < hi < 0.35
    lo, hi = gp.wilson_interval(10, 10)
    assert hi == 1 and 0.65 < lo < 0.75


def test_every_helper_draws_chinese_without_warnings(requests_df, rates_df):
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    gp.bar_by(
        requests_df, "机关 Agency", "件数 Requests", hue="year", title=("申请数", "Requests"), ax=axes[0, 0]
    )
    gp.line_by_year(
        requests_df, value="件数 Requests", hue="机关 Agency", title=("趋势", "Trend"), ax=axes[0, 1]
    )
    share = pd.DataFrame(
        {"机关": ["甲局", "甲局", "乙局", "乙局"], "结果": ["公开", "不公开"] * 2, "n": [3, 1, 2, 2]}
    )
    gp.share_bars(
        share, "机关", "结果", "n", title=("结果", "Outcomes"), ylabel=("机关", "Agency"), ax=axes[1, 0]
    )
    gp.rate_points(
        rates_df, "rate", "n", by="机关", ylabel=("机关", "Agency"), title=("纠错率", "Rate"), ax=axes[1, 1]
    )
    caught = _draw(fig)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    for ax in axes.flat:
        assert gp.is_bilingual(ax.get_title(loc="left"))
        assert gp.is_bilingual(ax.get_xlabel()) and gp.is_bilingual(ax.get_ylabel())


def test_dollar_signs_in_report_labels_are_text():
    import io

    df = pd.DataFrame({"agency": ["合成$\\frac{a$局 Agency"], "v": [1]})
    ax = gp.bar_by(df, "agency", "v", title=("测试", "Test"), xlabel=("机关", "Agency"), ylabel=("件", "items"))
    ax.figure.savefig(io.BytesIO(), format="png")  # would raise on TeX parsing
    plt.close(ax.figure)
