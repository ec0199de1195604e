import csv
from pathlib import Path

import pandas as pd
import pytest

from govreport.agencies import (
    UNKNOWN_DIVISION,
    AgencyMap,
    MapEntry,
    agency_id,
    default_map_path,
    normalize_agency_name,
)
from govreport.divisions import guess_from_name

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
needs_reports = pytest.mark.skipif(not REPORTS.is_dir(), reason="shared/reports not present")

PINGTAN_ZONE = "350128-平潭综合实验区管委会"
PINGTAN_TAX = "350128-平潭综合实验区地方税务局"


def _manifest():
    with (REPORTS / "MANIFEST.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------
# normalize_agency_name
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("三明市", "三明市人民政府"),
        ("三明市人民政府", "三明市人民政府"),
        ("三明市政府", "三明市人民政府"),
        ("莆田市人民政府", "莆田市人民政府"),
        ("莆田市人民政府办公室", "莆田市人民政府办公室"),
        ("莆田市政府办公室", "莆田市人民政府办公室"),
        ("上海市科学技术委员会（市科委）", "上海市科学技术委员会"),
        ("上海市科学技术委员会(市科委)", "上海市科学技术委员会"),
        ("洪泽区人民政府（淮安市）", "洪泽区人民政府"),
        ("平潭综合实验区管委会（管委会办公室）", "平潭综合实验区管委会"),
        ("平潭综合实验区管理委员会", "平潭综合实验区管委会"),
        ("平潭综合实验区地方税务局（平潭县地税局）", "平潭综合实验区地方税务局"),
        ("平潭综合实验区", "平潭综合实验区"),  # a zone, not a division: the map handles it
        (" 同心县 人力资源和社会保障局\u3000", "同心县人力资源和社会保障局"),
        ("淮安市洪泽区", "淮安市洪泽区人民政府"),
        ("上海市", "上海市人民政府"),
        ("（市科委）", "(市科委)"),  # nothing left after the remark: keep it
        ("", ""),
    ],
)
def test_normalize_agency_name(name, expected):
    assert normalize_agency_name(name) == expected


def test_government_office_stays_apart_from_government():
    assert agency_id("莆田市人民政府办公室", "350300") != agency_id("莆田市人民政府", "350300")


@needs_reports
def test_normalize_is_idempotent_on_manifest_names():
    for row in _manifest():
        once = normalize_agency_name(row["agency"])
        assert normalize_agency_name(once) == once


# --------------------------------------------------------------------------
# agency_id
# --------------------------------------------------------------------------


def test_agency_id():
    assert agency_id("三明市", "350400") == "350400-三明市人民政府"
    assert agency_id("三明市人民政府", "350400") == "350400-三明市人民政府"
    assert agency_id("同心县人力资源和社会保障局", "6403240007") == "640324-同心县人力资源和社会保障局"
    assert agency_id("上海市科学技术委员会（市科委）", None) == "000000-上海市科学技术委员会"
    assert agency_id("x", "") == f"{UNKNOWN_DIVISION}-x"


@pytest.mark.parametrize("code", ["3504", "abc", "35040x"])
def test_agency_id_rejects_malformed_codes(code):
    with pytest.raises(ValueError, match="division code"):
        agency_id("三明市", code)


# --------------------------------------------------------------------------
# the shipped mapping file
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return AgencyMap.load()


def test_shipped_map_file_is_wellformed(shipped):
    assert default_map_path().name == "agency_map.csv"
    assert len(shipped) >= 5
    for entry in shipped.entries:
        assert entry.note, entry
        assert entry.agency_id.startswith(f"{entry.division_code}-"), entry
        # the target id is itself in normalised form
        code, name = entry.agency_id.split("-", 1)
        assert agency_id(name, code) == entry.agency_id


@pytest.mark.parametrize(
    "name",
    [
        "平潭综合实验区管委会",
        "平潭综合实验区管委会办公室",
        "平潭县人民政府",
        "平潭综合实验区管委会（管委会办公室）",
        "平潭综合实验区",
        "平潭综合实验区管理委员会",
    ],
)
def test_pingtan_variants_join(shipped, name):
    assert shipped.resolve(name, "350128") == PINGTAN_ZONE


def test_pingtan_tax_bureau_is_another_agency(shipped):
    assert shipped.resolve("平潭综合实验区地方税务局（平潭县地税局）", "350128") == PINGTAN_TAX
    assert shipped.resolve("平潭县地方税务局", "350128") == PINGTAN_TAX


def test_resolve_without_division_uses_a_unique_map_line(shipped):
    assert shipped.resolve("平潭综合实验区") == PINGTAN_ZONE
    # no map line: the generic id with the unknown division
    assert shipped.resolve("三明市") == "000000-三明市人民政府"


def test_resolve_other_division_does_not_take_the_map_line(shipped):
    # a map line binds its division: the same words elsewhere are another agency
    assert shipped.resolve("平潭县人民政府", "350400") == "350400-平潭县人民政府"


def test_resolve_generic(shipped):
    assert shipped.resolve("三明市", "350400") == "350400-三明市人民政府"
    assert shipped.resolve("莆田市人民政府办公室", "350300") == "350300-莆田市人民政府办公室"
    assert shipped.resolve("上海市科委", "310000") == "310000-上海市科学技术委员会"


@needs_reports
def test_manifest_identities(shipped):
    ids = {}
    for row in _manifest():
        div = guess_from_name(row["agency"])
        ids.setdefault(shipped.resolve(row["agency"], div.code), set()).add(row["agency"])
    assert ids[PINGTAN_ZONE] == {
        "平潭综合实验区管委会",
        "平潭综合实验区管委会办公室",
        "平潭县人民政府",
        "平潭综合实验区管委会（管委会办公室）",
    }
    assert ids[PINGTAN_TAX] == {"平潭综合实验区地方税务局（平潭县地税局）"}
    assert ids["350400-三明市人民政府"] == {"三明市人民政府"}
    assert ids["350300-莆田市人民政府办公室"] == {"莆田市人民政府办公室"}
    assert ids["350300-莆田市人民政府"] == {"莆田市人民政府"}
    assert ids["320813-洪泽区人民政府"] == {"洪泽区人民政府（淮安市）"}
    assert ids["310000-上海市科学技术委员会"] == {"上海市科学技术委员会（市科委）"}


def test_variants_report(shipped):
    table = shipped.variants()
    assert list(table.columns) == ["agency_id", "variant", "division_code", "rule", "note"]
    assert set(table.loc[table["agency_id"] == PINGTAN_ZONE, "variant"]) >= {
        "平潭县人民政府",
        "平潭综合实验区管委会办公室",
    }
    assert (table["rule"] == "map").all()

    seen = pd.DataFrame(
        {
            "agency": ["三明市", "三明市人民政府", "平潭县人民政府", "三明市", "平潭综合实验区"],
            "division_code": ["350400", "350400", "350128", "350400", None],
        }
    )
    report = shipped.variants(seen)
    assert len(report) == 4  # duplicates collapse
    sanming = report[report["agency_id"] == "350400-三明市人民政府"]
    assert set(sanming["variant"]) == {"三明市", "三明市人民政府"}
    assert set(sanming["rule"]) == {"normalised"}
    pingtan = report[report["agency_id"] == PINGTAN_ZONE]
    assert set(pingtan["rule"]) == {"map", "map (division unknown)"}
    assert pingtan["note"].str.len().gt(0).all()
    assert report.equals(shipped.variants(zip(seen["agency"], seen["division_code"], strict=True)))


# --------------------------------------------------------------------------
# analysts' own files
# --------------------------------------------------------------------------


def _write(tmp_path, text, name="map.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_load_join_split_and_comments(tmp_path):
    path = _write(
        tmp_path,
        "variant,division_code,agency_id,note\n"
        "# a comment line,,,\n"
        "三明市政府,350400,350400-三明市人民政府,join\n"
        "平潭综合实验区管委会（管委会办公室）,350128,350128-平潭综合实验区管委会办公室,split by printed form\n"
        "平潭综合实验区管委会,350128,350128-平潭综合实验区管委会,\n"
        "某某局,,000000-某某局,any division\n",
        encoding="utf-8-sig",
    )
    amap = AgencyMap.load(path)
    assert len(amap) == 4
    assert (
        amap.resolve("平潭综合实验区管委会（管委会办公室）", "350128") == "350128-平潭综合实验区管委会办公室"
    )
    assert amap.resolve("平潭综合实验区管委会(管委会办公室)", "350128") == "350128-平潭综合实验区管委会办公室"
    assert amap.resolve("平潭综合实验区管委会", "350128") == "350128-平潭综合实验区管委会"
    assert amap.resolve("平潭综合实验区管理委员会", "350128") == "350128-平潭综合实验区管委会"
    assert amap.resolve("某某局", "350400") == "000000-某某局"
    assert amap.resolve("某某局") == "000000-某某局"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("variant,agency_id,note\nx,350400-x,\n", "missing column"),
        ("variant,division_code,agency_id,note\nx,350400,,why\n", "no agency_id"),
        ("variant,division_code,agency_id,note\nx,3504,350400-x,why\n", "line 2"),
        (
            "variant,division_code,agency_id,note\nx,350400,350400-x,a\nx,350400,350400-y,b\n",
            "line 3 maps 'x'",
        ),
    ],
)
def test_load_errors(tmp_path, body, message):
    with pytest.raises(ValueError, match=message):
        AgencyMap.load(_write(tmp_path, body))


def test_same_variant_in_two_divisions_is_no_conflict():
    amap = AgencyMap(
        [
            MapEntry("鼓楼区人民政府", "350102", "350102-鼓楼区人民政府"),
            MapEntry("鼓楼区人民政府", "320106", "320106-鼓楼区人民政府"),
        ]
    )
    assert amap.resolve("鼓楼区人民政府", "320106") == "320106-鼓楼区人民政府"
    # division unknown and two ids in the file: no guess
    assert amap.resolve("鼓楼区人民政府") == "000000-鼓楼区人民政府"
