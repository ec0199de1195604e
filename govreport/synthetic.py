"""Synthetic annual reports with known values, for tests and benchmarks.

Every report made here is **synthetic**: its text carries the line
``【合成数据 SYNTHETIC — not a real report】`` near the top and its agency
names are made up (``合成市第七局``, no real place).  Values are random but
obey every identity of the template (see ``FORMAT.md``):

* the six applicant columns of table 3 sum to its 总计 column;
* the outcome rows under 三、本年度办理结果 sum to （七）总计, column by column;
* 本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理, column by column;
* in table 4 each 总计 = 维持 + 纠正 + 其他 + 尚未审结.

:func:`make_report` returns the text and its *truth*: every table cell keyed
as the library's frames key it (``("table3", row, column)``,
``("table2", row, column)``, ``("table4", proceeding, outcome)``), the prose
figures and any arithmetic error injected on purpose.  :func:`make_corpus`
writes many such files fast (100,000 in a few tens of seconds).

>>> text, truth = make_report(1, template="2021", form="text-pipes")
>>> SYNTHETIC_MARK in text, truth["template"], len(truth["cells"])
(True, '2021', 200)
>>> broken_identities(truth["cells"])
[]
>>> _, bad = make_report(1, inject="T3.balance")
>>> [b[0] for b in bad["injected"][0]["breaks"]]
['T3.balance', 'T3.balance']

Forms
-----
``text-pipes``
    page text, each table row on one line with cells joined by `` | `` (like a
    crawl of the portal page; trailing span cells left empty).
``text-lines``
    page text with one HTML text node per line: one table cell per line.
``html``
    a portal page: ``<table>`` elements with ``rowspan``/``colspan`` as the
    national template prints them.

Injected errors (``inject=``)
-----------------------------
Each option changes printed cells *after* the consistent values are drawn;
``truth["cells"]`` holds what is printed (the reader must read the wrong
value as printed) and ``truth["injected"]`` lists, per option, the cells
changed (``table, row, column, was, now``) and the checks that must now fail,
as ``(check_id, subject)`` pairs named as in :mod:`govreport.checks` (so a
test can compare them with ``report.checks`` rows whose status is ``fail``):

``T3.balance``
    本年新收: one applicant column *and* the 总计 column raised by the same
    amount, so the row still sums but 新收 + 结转 ≠ 总计 + 结转下年度 in that
    column and in 总计.  Breaks ``("T3.balance", column)`` and
    ``("T3.balance", "total")``.  The prose figure 收到申请N件 follows the
    printed table.
``T3.row_sum``
    the 总计 cell of one outcome row raised: the row's six applicant columns no
    longer sum to it, and the outcome rows no longer sum to （七）总计 in the
    总计 column.  Breaks ``("T3.row_sum", row)`` and ``("T3.total_is_sum", "total")``.
``T3.total_is_sum``
    one outcome row raised in one applicant column and in 总计: the row still
    sums, but the outcome rows no longer add up to （七）总计 in that column and
    in 总计.  Breaks ``("T3.total_is_sum", column)`` and ``("T3.total_is_sum", "total")``.
``T4.total``
    the 总计 of one proceeding of table 4 raised.  Breaks ``("T4.total", proceeding)``.
``PROSE.requests_received``
    the prose figure 收到政府信息公开申请N件 differs from table 3's 本年新收
    总计.  Breaks ``("PROSE.requests_received", "new_requests/total")``; no
    table cell changes.
"""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

__all__ = [
    "SYNTHETIC_MARK",
    "FORMS",
    "TEMPLATES",
    "INJECTIONS",
    "make_report",
    "make_corpus",
    "broken_identities",
    "cells_of",
    "truth_frame",
    "agency_name",
    "chinese_number",
]

SYNTHETIC_MARK = "【合成数据 SYNTHETIC — not a real report】"
FORMS = ("text-pipes", "text-lines", "html")
TEMPLATES = ("2021", "2019")
INJECTIONS = ("T3.balance", "T3.row_sum", "T3.total_is_sum", "T4.total", "PROSE.requests_received")
_EXT = {"text-pipes": "txt", "text-lines": "txt", "html": "html"}
_DEFAULT_YEARS = {"2021": (2021, 2022, 2023, 2024, 2025), "2019": (2019, 2020)}

# ---------------------------------------------------------------------------
# The template as printed (keys are the library's row/column keys)
# ---------------------------------------------------------------------------

T3_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
T3_ALL_COLUMNS = (*T3_COLUMNS, "total")

_GRANTED = [("granted", "（一）予以公开"), ("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")]
_WITHHELD = [
    ("withheld_state_secret", "1.属于国家秘密"),
    ("withheld_law", "2.其他法律行政法规禁止公开"),
    ("withheld_three_safety", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "4.保护第三方合法权益"),
    ("withheld_internal", "5.属于三类内部事务信息"),
    ("withheld_process", "6.属于四类过程性信息"),
    ("withheld_enforcement", "7.属于行政执法案卷"),
    ("withheld_query", "8.属于行政查询事项"),
]
_UNABLE = [
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
]
_REJECTED = [
    ("rejected_petition", "1.信访举报投诉类申请"),
    ("rejected_repeat", "2.重复申请"),
    ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_excessive", "4.无正当理由大量反复申请"),
    ("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息"),
]
_OTHER_2021 = [
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
]

# Outcome rows as printed: (group label or None, [(key, label)]).  Weights
# make 予以公开 and 不掌握 the common outcomes, as in real reports.
_T3_GROUPS = {
    "2021": [
        (None, _GRANTED),
        ("（三）不予公开", _WITHHELD),
        ("（四）无法提供", _UNABLE),
        ("（五）不予处理", _REJECTED),
        ("（六）其他处理", _OTHER_2021),
    ],
    "2019": [
        (None, _GRANTED),
        ("（三）不予公开", _WITHHELD),
        ("（四）无法提供", _UNABLE),
        ("（五）不予处理", _REJECTED),
        (None, [("other_handled", "（六）其他处理")]),
    ],
}
_OUTCOME_WEIGHT = {
    "granted": 40, "partly_granted": 8, "withheld_state_secret": 0.3, "withheld_law": 0.6,
    "withheld_three_safety": 0.3, "withheld_third_party": 1, "withheld_internal": 1.5, "withheld_process": 1.5,
    "withheld_enforcement": 0.5, "withheld_query": 1, "unable_not_held": 20, "unable_needs_creation": 3,
    "unable_unclear": 2, "rejected_petition": 2, "rejected_repeat": 2, "rejected_publication": 0.5,
    "rejected_excessive": 0.5, "rejected_confirm": 0.5, "other_no_correction": 3, "other_no_fee": 0.3,
    "other_other": 5, "other_handled": 8,
}
_COLUMN_WEIGHT = (86, 7, 0.8, 0.8, 1.5, 3.9)


def _outcome_keys(template: str) -> list[str]:
    return [k for _, rows in _T3_GROUPS[template] for k, _ in rows]


_OUTCOMES = {t: _outcome_keys(t) for t in TEMPLATES}
T3_ROWS = {t: ["new_requests", "carried_over", *_OUTCOMES[t], "total", "carried_forward"] for t in TEMPLATES}
_T3_HEAD = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T3_COLHEAD = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

# Table 2: (block heading, column labels, [(row key, row label)], [column keys])
_T2 = {
    "2021": [
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         [("rules", "规章"), ("normative_documents", "行政规范性文件")], ("issued", "repealed", "in_force")),
        ("第二十条第（五）项", ("本年处理决定数量",), [("licensing", "行政许可")], ("decisions",)),
        ("第二十条第（六）项", ("本年处理决定数量",), [("penalty", "行政处罚"), ("enforcement", "行政强制")], ("decisions",)),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [("fees", "行政事业性收费")], ("fee_amount",)),
    ],
    "2019": [
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         [("rules", "规章"), ("normative_documents", "规范性文件")], ("made", "published", "public_total")),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")], ("prior_items", "change", "decisions")),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("penalty", "行政处罚"), ("enforcement", "行政强制")], ("prior_items", "change", "decisions")),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), [("fees", "行政事业性收费")], ("prior_items", "change")),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), [("procurement", "政府集中采购")],
         ("procurement_items", "procurement_amount")),
    ],
}
_T2_AMOUNTS = {"fee_amount", "procurement_amount"}
_T2_INCREMENTS = {"change"}

T4_PROCEEDINGS = ("review", "suit_direct", "suit_after_review")
T4_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
_T4_OUTCOME_ZH = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

_SECTION = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CN_UNITS = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def chinese_number(n: int) -> str:
    """Write a non-negative integer below 10**8 in Chinese numerals.

    >>> [chinese_number(n) for n in (0, 7, 10, 12, 105, 1010, 20304)]
    ['零', '七', '十', '十二', '一百零五', '一千零一十', '二万零三百零四']
    """
    if n < 10:
        return _CN_DIGITS[n]
    out = []
    zero = False
    for unit, name in _CN_UNITS:
        q, n = divmod(n, unit)
        if q:
            if zero:
                out.append("零")
            out.append((chinese_number(q) if unit == 10000 else _CN_DIGITS[q]) + name)
            zero = False
        elif out:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(_CN_DIGITS[n])
    s = "".join(out)
    return s[1:] if s.startswith("一十") else s


_AGENCY_KIND = ("局", "委员会", "办公室", "中心", "管理局", "街道办事处", "镇人民政府")


def agency_name(n: int) -> str:
    """Return an obviously synthetic agency name (no real place), e.g. ``合成市第七局``.

    >>> agency_name(6), agency_name(1234)
    ('合成市第七局', '合成十二市第三十五街道办事处')
    """
    city, k = divmod(n, 100)
    prefix = f"合成{chinese_number(city)}市" if city else "合成市"
    return f"{prefix}第{chinese_number(k + 1)}{_AGENCY_KIND[city % len(_AGENCY_KIND)]}"


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def _small(rng: random.Random, p_zero: float, top: int) -> int:
    """Mostly 0, else 1..top with small values likelier."""
    if rng.random() < p_zero:
        return 0
    return 1 + int(top * rng.random() ** 3)


def _size(rng: random.Random, lo: int, hi: int) -> int:
    """Log-uniform integer in [lo, hi]."""
    import math

    return int(math.exp(math.log(lo) + (math.log(hi + 1) - math.log(lo)) * rng.random()))


def _amount(rng: random.Random) -> Decimal:
    if rng.random() < 0.35:
        return Decimal(0)
    places = rng.choice((0, 1, 2, 2, 4))
    q = _size(rng, 1, 5_000_000)
    return Decimal(q).scaleb(-places) if places else Decimal(q)


def _table3(rng: random.Random, template: str, cells: dict) -> None:
    outcomes = _OUTCOMES[template]
    weights = [_OUTCOME_WEIGHT[k] for k in outcomes]
    scale = rng.choice((0, 2, 8, 30, 120, 600)) if rng.random() < 0.9 else 0
    tot = dict.fromkeys(T3_ROWS[template], 0)
    for ci, col in enumerate(T3_COLUMNS):
        share = _COLUMN_WEIGHT[ci] / 100
        n = 0 if scale == 0 else int(scale * share * (0.3 + 1.4 * rng.random()) + (rng.random() < share * 2))
        counts = dict.fromkeys(outcomes, 0)
        if n:
            for k in rng.choices(outcomes, weights, k=n):
                counts[k] += 1
        carried = min(n, _small(rng, 0.8, 3))
        forward = _small(rng, 0.75, max(1, n // 10))
        row = {"new_requests": n + forward - carried, "carried_over": carried, **counts, "total": n, "carried_forward": forward}
        for r, v in row.items():
            cells["table3", r, col] = v
            tot[r] += v
    for r, v in tot.items():
        cells["table3", r, "total"] = v


def _table2(rng: random.Random, template: str, cells: dict) -> None:
    if template == "2021":
        for key in ("rules", "normative_documents"):
            issued = _small(rng, 0.6 if key == "rules" else 0.3, 6 if key == "rules" else 40)
            repealed = _small(rng, 0.7, 10)
            cells["table2", key, "issued"] = issued
            cells["table2", key, "repealed"] = repealed
            cells["table2", key, "in_force"] = issued + _small(rng, 0.3, 300)
        for key in ("licensing", "penalty", "enforcement"):
            cells["table2", key, "decisions"] = 0 if rng.random() < 0.3 else _size(rng, 1, 60000)
        cells["table2", "fees", "fee_amount"] = _amount(rng)
        return
    for key in ("rules", "normative_documents"):
        made = _small(rng, 0.5, 30)
        cells["table2", key, "made"] = made
        cells["table2", key, "published"] = made - int(made * rng.random() * 0.2)
        cells["table2", key, "public_total"] = made + _small(rng, 0.3, 400)
    for key in ("licensing", "other_services", "penalty", "enforcement", "fees"):
        prior = _small(rng, 0.3, 200)
        cells["table2", key, "prior_items"] = prior
        cells["table2", key, "change"] = 0 if rng.random() < 0.5 else rng.randint(-min(prior, 9), 9)
        if key != "fees":
            cells["table2", key, "decisions"] = 0 if rng.random() < 0.3 else _size(rng, 1, 60000)
    cells["table2", "procurement", "procurement_items"] = _small(rng, 0.4, 300)
    cells["table2", "procurement", "procurement_amount"] = _amount(rng)


def _table4(rng: random.Random, cells: dict) -> None:
    for p in T4_PROCEEDINGS:
        vals = [_small(rng, 0.8, 4) for _ in range(4)]
        for o, v in zip(T4_OUTCOMES, (*vals, sum(vals)), strict=True):
            cells["table4", p, o] = v


def _figures(rng: random.Random, cells: dict) -> dict:
    active = _size(rng, 20, 8000)
    portal = int(active * (0.3 + 0.6 * rng.random()))
    wechat = active - portal if rng.random() < 0.7 else int((active - portal) * rng.random())
    orders = _size(rng, 10, 50000)
    rate = rng.choice((Decimal(100), Decimal(100), Decimal(rng.randint(9000, 9999)).scaleb(-2)))
    return {
        "active_total": active,
        "active_portal": portal,
        "active_wechat": wechat,
        "requests_received": cells["table3", "new_requests", "total"],
        "hotline_orders": orders,
        "hotline_reply_rate": rate,
        "training_sessions": _small(rng, 0.2, 12),
    }


# ---------------------------------------------------------------------------
# Injection and identities
# ---------------------------------------------------------------------------


def _inject(option: str, rng: random.Random, template: str, cells: dict, figures: dict) -> dict:
    d = rng.randint(1, 5)
    changes = []

    def bump(key):
        was = cells[key]
        cells[key] = was + d
        changes.append((*key, was, was + d))

    if option == "T3.balance":
        col = rng.choice(T3_COLUMNS)
        bump(("table3", "new_requests", col))
        bump(("table3", "new_requests", "total"))
        figures["requests_received"] = cells["table3", "new_requests", "total"]  # the prose follows the table
        breaks = [("T3.balance", col), ("T3.balance", "total")]
    elif option == "T3.row_sum":
        row = rng.choice(_OUTCOMES[template])
        bump(("table3", row, "total"))
        breaks = [("T3.row_sum", row), ("T3.total_is_sum", "total")]
    elif option == "T3.total_is_sum":
        row = rng.choice(_OUTCOMES[template])
        col = rng.choice(T3_COLUMNS)
        bump(("table3", row, col))
        bump(("table3", row, "total"))
        breaks = [("T3.total_is_sum", col), ("T3.total_is_sum", "total")]
    elif option == "T4.total":
        p = rng.choice(T4_PROCEEDINGS)
        bump(("table4", p, "total"))
        breaks = [("T4.total", p)]
    elif option == "PROSE.requests_received":
        was = figures["requests_received"]
        figures["requests_received"] = was + d
        changes.append(("prose", "requests_received", None, was, was + d))
        breaks = [("PROSE.requests_received", "new_requests/total")]
    else:
        raise ValueError(f"unknown inject option {option!r}; choose from {', '.join(INJECTIONS)}")
    return {"option": option, "cells": changes, "breaks": breaks}


def broken_identities(cells: dict, figures: dict | None = None) -> list[tuple[str, str]]:
    """List the template identities that ``cells`` (a truth's cells) violate.

    Returns ``(check_id, subject)`` pairs named as :mod:`govreport.checks`
    names them: ``T3.row_sum`` (row), ``T3.total_is_sum`` (column),
    ``T3.balance`` (column), ``T4.total`` (proceeding) and, when ``figures``
    is given, ``PROSE.requests_received``.  An empty list means all hold.
    """
    out: list[tuple[str, str]] = []
    rows = sorted({r for (t, r, _c) in cells if t == "table3"}, key=lambda r: _ROW_ORDER.get(r, 99))
    outcomes = [r for r in rows if r not in ("new_requests", "carried_over", "total", "carried_forward")]
    for r in rows:
        if sum(cells["table3", r, c] for c in T3_COLUMNS) != cells["table3", r, "total"]:
            out.append(("T3.row_sum", r))
    for c in T3_ALL_COLUMNS:
        if sum(cells["table3", r, c] for r in outcomes) != cells["table3", "total", c]:
            out.append(("T3.total_is_sum", c))
    for c in T3_ALL_COLUMNS:
        g = cells.__getitem__
        if g(("table3", "new_requests", c)) + g(("table3", "carried_over", c)) != g(("table3", "total", c)) + g(("table3", "carried_forward", c)):
            out.append(("T3.balance", c))
    for p in T4_PROCEEDINGS:
        if sum(cells["table4", p, o] for o in T4_OUTCOMES[:4]) != cells["table4", p, "total"]:
            out.append(("T4.total", p))
    if figures is not None and figures.get("requests_received") != cells["table3", "new_requests", "total"]:
        out.append(("PROSE.requests_received", "new_requests/total"))
    return out


_ROW_ORDER = {r: i for i, r in enumerate(dict.fromkeys(T3_ROWS["2021"] + T3_ROWS["2019"]))}

# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _fmt(v) -> str:
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _fmt_change(v: int) -> str:
    return f"+{v}" if v > 0 else str(v)


def _t2_values(cells: dict, template: str, key: str, cols: Sequence[str]) -> list[str]:
    return [_fmt_change(cells["table2", key, c]) if c in _T2_INCREMENTS else _fmt(cells["table2", key, c]) for c in cols]


def _prose(truth: dict, fig: dict) -> dict[int, list[str]]:
    """Paragraphs of sections 1, 5 and 6 (and the intro, key 0)."""
    a, y = truth["agency"], truth["year"]
    cells = truth["cells"]
    v = truth["variant"]
    rate = _fmt(fig["hotline_reply_rate"])
    basis = "国办公开办函〔2021〕30号" if truth["template"] == "2021" else "国办公开办函〔2019〕60号"
    intro = (
        f"根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》（{basis}）要求，"
        f"现发布《{a}{y}年政府信息公开工作年度报告》。本报告所列数据统计期限自{y}年1月1日至{y}年12月31日。"
    )
    active = (
        f"{y}年主动公开信息{fig['active_total']}条，其中通过门户网站公开信息{fig['active_portal']}条，"
        f"通过微信公众号发布信息{fig['active_wechat']}条。"
        if v % 2 == 0
        else f"全年累计主动公开政府信息{fig['active_total']}条，其中门户网站发布{fig['active_portal']}条，"
        f"政务微信公众号发布{fig['active_wechat']}条。"
    )
    fwd = cells["table3", "carried_forward", "total"]
    requests = (
        f"{y}年，本机关共收到政府信息公开申请{fig['requests_received']}件，"
        f"按时答复{cells['table3', 'total', 'total']}件，结转下年度继续办理{fwd}件。"
    )
    hotline = (
        f"依托12345政务服务便民热线平台接收工单{fig['hotline_orders']}件，回复率{rate}%。"
        if v % 3 != 1
        else f"全年通过12345热线受理群众诉求工单{fig['hotline_orders']}件，按时回复率{rate}%。"
    )
    return {
        0: [SYNTHETIC_MARK, f"{a}{y}年政府信息公开工作年度报告", intro],
        1: [
            f"（一）主动公开情况。{active}",
            f"（二）依申请公开情况。{requests}",
            "（三）政府信息管理情况。严格落实信息发布审核制度，规范公开流程（合成文本）。",
            f"（四）平台建设情况。{hotline}",
            f"（五）监督保障情况。全年组织政务公开业务培训{fig['training_sessions']}次（合成文本）。",
        ],
        5: ["一是公开内容的完整性有待提升；二是政策解读形式不够丰富。下一步将加强培训、完善制度（合成文本）。"],
        6: [f"本机关{y}年未收取信息处理费。{SYNTHETIC_MARK}"],
    }


def _t3_rows(template: str) -> list[tuple[list[str], str]]:
    """Return the printed label cells (as page text shows them) and key of each table-3 row."""
    out = [(["一、本年新收政府信息公开申请数量"], "new_requests"), (["二、上年结转政府信息公开申请数量"], "carried_over")]
    first = True
    for group, rows in _T3_GROUPS[template]:
        for i, (key, label) in enumerate(rows):
            lab = [label]
            if group and i == 0:
                lab.insert(0, group)
            if first:
                lab.insert(0, "三、本年度办理结果")
                first = False
            out.append((lab, key))
    out.append((["（七）总计"], "total"))
    out.append((["四、结转下年度继续办理"], "carried_forward"))
    return out


_T3_LABELS = {t: _t3_rows(t) for t in TEMPLATES}


def _render_text(truth: dict, fig: dict, pipes: bool) -> str:
    template, cells = truth["template"], truth["cells"]
    prose = _prose(truth, fig)
    out = list(prose[0])
    if pipes:

        def row(cs, width):
            return " | ".join(cs) + " |" * (width - len(cs))
    else:

        def row(cs, width):
            return "\n".join(cs)

    out.append(_SECTION[1])
    out.extend(prose[1])
    out.append(_SECTION[2])
    for head, col_labels, rows, cols in _T2[template]:
        out.append(row([head], 4))
        out.append(row(["信息内容", *col_labels], 4))
        for key, label in rows:
            out.append(row([label, *_t2_values(cells, template, key, cols)], 4))
    out.append(_SECTION[3])
    out.append(row([_T3_HEAD, "申请人情况"], 10))
    out.append(row(["自然人", "法人或其他组织", "总计"], 10))
    out.append(row(list(_T3_COLHEAD), 10))
    for labels, key in _T3_LABELS[template]:
        out.append(row([*labels, *(str(cells["table3", key, c]) for c in T3_ALL_COLUMNS)], 10))
    out.append(_SECTION[4])
    out.append(row(["行政复议", "行政诉讼"], 15))
    out.append(row([*_T4_OUTCOME_ZH, "未经复议直接起诉", "复议后起诉"], 15))
    out.append(row([*_T4_OUTCOME_ZH, *_T4_OUTCOME_ZH], 15))
    out.append(row([str(cells["table4", p, o]) for p in T4_PROCEEDINGS for o in T4_OUTCOMES], 15))
    out.append(_SECTION[5])
    out.extend(prose[5])
    out.append(_SECTION[6])
    out.extend(prose[6])
    return "\n".join(out) + "\n"


_TD = '<td{a}><p align="center">{t}</p></td>'


def _td(text: str, colspan: int = 1, rowspan: int = 1) -> str:
    a = ""
    if rowspan > 1:
        a += f' rowspan="{rowspan}"'
    if colspan > 1:
        a += f' colspan="{colspan}"'
    return f'<td{a}><p align="center">{text}</p></td>'


_TABLE_OPEN = '<table width="100%" border="1" cellspacing="0" cellpadding="2"><tbody>'
_TABLE_CLOSE = "</tbody></table>"


def _html_t3_static(template: str) -> list[str]:
    """Per row of table 3, the HTML up to the first value cell."""
    out = []
    n_outcome_rows = len(_OUTCOMES[template]) + 1
    for labels, key in _T3_LABELS[template]:
        parts = ["<tr>"]
        if key in ("new_requests", "carried_over", "total", "carried_forward"):
            if key == "total":
                parts.append(_td(labels[-1], colspan=2))
            else:
                parts.append(_td(labels[-1], colspan=3))
        else:
            if "三、本年度办理结果" in labels:
                parts.append(_td("三、本年度办理结果", rowspan=n_outcome_rows))
            group_rows = next((rows for g, rows in _T3_GROUPS[template] if g and rows[0][0] == key), None)
            if group_rows is not None:
                parts.append(_td(labels[-2], rowspan=len(group_rows)))
                parts.append(_td(labels[-1]))
            elif any(g and key in dict(rows) for g, rows in _T3_GROUPS[template]):
                parts.append(_td(labels[-1]))
            else:
                parts.append(_td(labels[-1], colspan=2))
        out.append("".join(parts))
    return out


_HTML_T3_STATIC = {t: _html_t3_static(t) for t in TEMPLATES}
_HTML_T3_HEAD = (
    "<tr>" + _td(_T3_HEAD, colspan=3, rowspan=3) + _td("申请人情况", colspan=7) + "</tr>"
    "<tr>" + _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2) + "</tr>"
    "<tr>" + "".join(_td(x) for x in _T3_COLHEAD) + "</tr>"
)
_HTML_T4_HEAD = (
    "<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>"
    "<tr>" + "".join(_td(x, rowspan=2) for x in _T4_OUTCOME_ZH) + _td("未经复议直接起诉", colspan=5)
    + _td("复议后起诉", colspan=5) + "</tr>"
    "<tr>" + "".join(_td(x) for x in _T4_OUTCOME_ZH * 2) + "</tr>"
)
_VAL = '<td><p align="center">'
_VAL_END = "</p></td>"


def _html_p(text: str, bold: bool = False) -> str:
    return f"<p><b>{text}</b></p>" if bold else f"<p>{text}</p>"


def _render_html(truth: dict, fig: dict) -> str:
    template, cells = truth["template"], truth["cells"]
    prose = _prose(truth, fig)
    title = prose[0][1]
    out = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f'<meta name="ArticleTitle" content="{title}"><title>{title}</title></head><body>',
        '<div class="nav">首页 | 政府信息公开 | 合成数据</div><div class="xl_article">',
        f"<p><b>{SYNTHETIC_MARK}</b></p><h1>{title}</h1>",
        _html_p(prose[0][2]),
        _html_p(_SECTION[1], True),
    ]
    out.extend(_html_p(p) for p in prose[1])
    out.append(_html_p(_SECTION[2], True))
    out.append(_TABLE_OPEN)
    for head, col_labels, rows, cols in _T2[template]:
        out.append("<tr>" + _td(head, colspan=4) + "</tr>")
        span = 4 - len(col_labels)
        out.append("<tr>" + _td("信息内容") + "".join(_td(x, colspan=1 + span * (i == len(col_labels) - 1)) for i, x in enumerate(col_labels)) + "</tr>")
        for key, label in rows:
            vals = _t2_values(cells, template, key, cols)
            out.append("<tr>" + _td(label) + "".join(_td(x, colspan=1 + span * (i == len(vals) - 1)) for i, x in enumerate(vals)) + "</tr>")
    out.append(_TABLE_CLOSE)
    out.append(_html_p(_SECTION[3], True))
    out.append(_TABLE_OPEN)
    out.append(_HTML_T3_HEAD)
    for static, (_, key) in zip(_HTML_T3_STATIC[template], _T3_LABELS[template], strict=True):
        out.append(static + _VAL + (_VAL_END + _VAL).join([str(cells["table3", key, c]) for c in T3_ALL_COLUMNS]) + _VAL_END + "</tr>")
    out.append(_TABLE_CLOSE)
    out.append(_html_p(_SECTION[4], True))
    out.append(_TABLE_OPEN)
    out.append(_HTML_T4_HEAD)
    out.append("<tr>" + _VAL + (_VAL_END + _VAL).join([str(cells["table4", p, o]) for p in T4_PROCEEDINGS for o in T4_OUTCOMES]) + _VAL_END + "</tr>")
    out.append(_TABLE_CLOSE)
    out.append(_html_p(_SECTION[5], True))
    out.extend(_html_p(p) for p in prose[5])
    out.append(_html_p(_SECTION[6], True))
    out.extend(_html_p(p) for p in prose[6])
    out.append('<p align="center">（此件为合成数据，非真实报告）</p></div>')
    out.append('<div class="footer">主办：合成数据生成器 | 网站标识码：0000000000（合成）</div></body></html>')
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _normalise_inject(inject) -> tuple[str, ...]:
    if inject is None:
        return ()
    if isinstance(inject, str):
        inject = (inject,)
    out = tuple(inject)
    for o in out:
        if o not in INJECTIONS:
            raise ValueError(f"unknown inject option {o!r}; choose from {', '.join(INJECTIONS)}")
    return out


def make_report(
    seed: int,
    *,
    template: str = "2021",
    form: str = "text-pipes",
    year: int | None = None,
    agency: str | None = None,
    inject: str | Iterable[str] | None = None,
) -> tuple[str, dict]:
    """Make one synthetic report and the truth about it.

    The values depend only on ``seed``, ``template``, ``year``, ``agency`` and
    ``inject`` — not on ``form``: the same seed in every form prints the same
    report.

    Parameters
    ----------
    seed : int
        Seed of the random values (any int).
    template : {"2021", "2019"}
        Which national template the tables follow.
    form : {"text-pipes", "text-lines", "html"}
        How the report is printed (see the module docstring).
    year : int, optional
        The report year (default: drawn from the template's years, 2021–2025
        or 2019–2020).
    agency : str, optional
        The agency (default :func:`agency_name` of the seed: ``合成市第N局``).
        Pass a synthetic name: the text is labelled synthetic, not the agency.
    inject : str or iterable of str, optional
        Arithmetic errors to print on purpose, from :data:`INJECTIONS`
        (documented in the module docstring).

    Returns
    -------
    content : str
        The report's text (page text or HTML).
    truth : dict
        ``seed``, ``template``, ``form``, ``year``, ``agency``, ``title``;
        ``cells``: ``{(table, row, column): value}`` for every printed cell
        of tables 2, 3 and 4 (``int``; ``Decimal`` for amounts); ``figures``:
        the prose figures (``active_total``, ``active_portal``,
        ``active_wechat``, ``requests_received``, ``hotline_orders``,
        ``hotline_reply_rate`` in %, ``training_sessions``); ``injected``: one
        dict per injected error (``option``, ``cells``, ``breaks``).

    Raises
    ------
    ValueError
        For an unknown template, form or inject option.

    Examples
    --------
    >>> text, truth = make_report(7, template="2019", form="html")
    >>> text.startswith("<!DOCTYPE html>"), truth["cells"]["table3", "other_handled", "total"] >= 0
    (True, True)

    """
    if template not in TEMPLATES:
        raise ValueError(f"template must be one of {TEMPLATES}, not {template!r}")
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    options = _normalise_inject(inject)
    truth, fig = _draw(seed, template, year, agency, options)
    truth["form"] = form
    return _render(truth, fig, form), truth


def _draw(seed: int, template: str, year, agency, options) -> tuple[dict, dict]:
    rng = random.Random(seed * 2 + (template == "2019"))
    cells: dict = {}
    _table3(rng, template, cells)
    _table2(rng, template, cells)
    _table4(rng, cells)
    fig = _figures(rng, cells)
    yrs = _DEFAULT_YEARS[template]
    y = year if year is not None else yrs[rng.randrange(len(yrs))]
    a = agency if agency is not None else agency_name(abs(seed) % 100_000)
    truth = {
        "seed": seed,
        "template": template,
        "form": None,
        "year": y,
        "agency": a,
        "title": f"{a}{y}年政府信息公开工作年度报告",
        "variant": rng.randrange(6),
        "cells": cells,
        "figures": fig,
        "injected": [_inject(o, rng, template, cells, fig) for o in options],
    }
    return truth, fig


def _render(truth: dict, fig: dict, form: str) -> str:
    if form == "html":
        return _render_html(truth, fig)
    return _render_text(truth, fig, pipes=form == "text-pipes")


def make_corpus(
    folder: str | os.PathLike,
    n: int,
    *,
    seed: int = 0,
    forms: Sequence[str] = ("text-pipes", "html"),
    templates: Sequence[str] = TEMPLATES,
    agencies: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    inject: str | Iterable[str] | None = None,
    manifest: bool = True,
    jobs: int = 1,
) -> list[Path]:
    """Write ``n`` synthetic reports into ``folder`` (deterministic, fast).

    Report ``i`` is ``make_report(seed * 1_000_003 + i, template=…, form=…)``
    with template and form taken round-robin from ``templates`` and ``forms``
    (so every combination is present once ``n`` ≥ their product) and the year
    and agency drawn from ``years``/``agencies`` when given.  File names are
    ``{i:06d}_{template}_{form}.txt|html``.  A ``MANIFEST.csv`` (file, seed,
    template, form, year, agency) is written unless ``manifest=False``.

    Parameters
    ----------
    folder : path-like
        Created if missing; existing files of the same names are overwritten.
    n : int
        Number of reports.
    seed : int
        Corpus seed.
    forms, templates : sequence of str
        Forms and templates to cycle through.
    agencies : sequence of str, optional
        Agency names to draw from (default: one synthetic name per report).
    years : sequence of int, optional
        Years to draw from (default: the template's years).
    inject : str or iterable of str, optional
        Errors to inject into every report (see :func:`make_report`).
    manifest : bool
        Write ``MANIFEST.csv``.
    jobs : int
        Processes writing files (each takes a contiguous range of reports;
        the files are the same whatever ``jobs`` is).  Used only for corpora
        of a few thousand reports or more; writing is mostly file-system
        bound, so this helps only on fast disks (100,000 files: 26 s with
        one process, 36 s with two on the 2-core test machine).

    Returns
    -------
    list of Path
        The files written, in order.

    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    forms, templates = tuple(forms), tuple(templates)
    for f in forms:
        if f not in FORMS:
            raise ValueError(f"form must be one of {FORMS}, not {f!r}")
    for t in templates:
        if t not in TEMPLATES:
            raise ValueError(f"template must be one of {TEMPLATES}, not {t!r}")
    options = _normalise_inject(inject)
    spec = (str(folder), seed * 1_000_003, forms, templates, tuple(agencies or ()), tuple(years or ()), options)
    jobs = max(1, min(int(jobs), n // 2000 or 1))
    if jobs == 1:
        rows = _write_range(spec, 0, n)
    else:
        import multiprocessing as mp

        bounds = [(n * k // jobs, n * (k + 1) // jobs) for k in range(jobs)]
        with mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn").Pool(jobs) as pool:
            rows = [r for part in pool.starmap(_write_range, [(spec, a, b) for a, b in bounds]) for r in part]
    if manifest:
        with open(folder / "MANIFEST.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(("file", "seed", "template", "form", "year", "agency"))
            w.writerows(rows)
    return [folder / r[0] for r in rows]


def _write_range(spec: tuple, start: int, stop: int) -> list[tuple]:
    """Write reports ``start:stop`` of a corpus; return their manifest rows."""
    folder, base, forms, templates, agencies, years, options = spec
    nt, nf = len(templates), len(forms)
    rows = []
    for i in range(start, stop):
        template = templates[i % nt]
        form = forms[(i // nt) % nf]
        s = base + i
        year = years[s % len(years)] if years else None
        agency = agencies[s % len(agencies)] if agencies else None
        truth, fig = _draw(s, template, year, agency, options)
        name = f"{i:06d}_{template}_{form}.{_EXT[form]}"
        with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
            fh.write(_render(truth, fig, form))
        rows.append((name, s, template, form, truth["year"], truth["agency"]))
    return rows


def truth_frame(truth: dict):
    """Return the truth's cells as a DataFrame: table, row, column, value, kind.

    ``kind`` is ``zero`` or ``number`` as the reader would classify the
    printed value.  Values are objects (``int``/``Decimal``).
    """
    import pandas as pd

    recs = [
        {"table": t, "row": r, "column": c, "value": v, "kind": "zero" if v == 0 else "number"}
        for (t, r, c), v in truth["cells"].items()
    ]
    return pd.DataFrame.from_records(recs, columns=["table", "row", "column", "value", "kind"])


def cells_of(report) -> dict:
    """Return a read report's values keyed like ``truth["cells"]``.

    Table 3 from :attr:`Report.requests`, table 2 from :attr:`Report.active`
    (``count``, or ``amount`` as a ``Decimal`` for amount columns), table 4
    from :attr:`Report.reviews`; ``<NA>`` becomes ``None``.
    """
    import pandas as pd

    out: dict = {}
    req = report.requests
    for r, c, v in zip(req["row"], req["column"], req["value"], strict=True):
        out["table3", str(r), str(c)] = None if pd.isna(v) else int(v)
    act = report.active
    for r, c, n, a in zip(act["row"], act["column"], act["count"], act["amount"], strict=True):
        if str(c) in _T2_AMOUNTS:
            out["table2", str(r), str(c)] = None if pd.isna(a) else Decimal(str(a)).normalize()
        else:
            out["table2", str(r), str(c)] = None if pd.isna(n) else int(n)
    rev = report.reviews
    for p, o, v in zip(rev["proceeding"], rev["outcome"], rev["value"], strict=True):
        out["table4", str(p), str(o)] = None if pd.isna(v) else int(v)
    return out
