"""Figures stated in the prose of a report: volumes, requests, hotline work.

:func:`extract_figures` reads every number that carries a unit (条, 件, 篇,
次, %, 万元 …) from the prose of a normalised report — never from its tables
— and returns a tidy DataFrame, one row per figure, with the sentence it came
from.  Each figure is classified by small named rules kept as data in
``govreport/data/figure_rules.csv`` (metric, the topic it needs, the kind of
number, the channel condition, allowed units, a keyword pattern and an
exclusion pattern; first match wins).  A figure no rule claims is kept as
``unclassified`` so nothing is silently lost.

Conventions
-----------
* ``value`` is the printed number with 万/亿 multiplied out (``约20万件`` ->
  200000, unit 件); amounts keep their money unit (``41994万元`` -> 41994,
  unit 万元).  Rates keep the printed percent in ``value`` and the share in
  ``share`` (``回复率100%`` -> 100.0 and 1.0).  Approximate figures (``余``,
  ``多``, ``约``, ``近``) keep the stated number; the ``quote`` shows the hedge.
* Statements of nothing (``未收到政府信息公开申请``, ``未收取信息处理费``,
  ``无引起行政复议及行政诉讼``) give a row with value 0 and no unit.
* ``其中``/``包括``/``含`` sub-figures carry the row index of their parent
  in ``parent``; ``占7.5%`` points at the figure it is a share of.
* A figure about another year keeps its metric and gets ``about_year`` set
  (a comparison such as ``较上年增长15%`` becomes metric ``change``, its
  ``about_year`` being the base year).  This year's figures are the rows with
  ``about_year`` missing: ``df[df.about_year.isna()]``.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from govreport.prose import (
    _join,
    _sentences_in,
    _table_spans,
    guess_report_year,
    parse_chinese_number,
    sentences,
    split_sections,
)

__all__ = ["extract_figures", "parse_chinese_number", "figure_rules", "COLUMNS"]

COLUMNS = [
    "metric", "metric_zh", "label", "value", "share", "unit", "channel", "channel_name",
    "parent", "about_year", "sentence", "start", "end", "section", "quote",
]  # fmt: skip
_DTYPES = {
    "value": "float64", "share": "float64", "parent": "Int64", "about_year": "Int64",
    "start": "int64", "end": "int64",
}  # fmt: skip

# --- numbers ----------------------------------------------------------------------

# Units, longest first.  Money units keep 万; other 万 are multiplied out.
UNITS = (
    "个百分点", "人次", "场次", "户次", "万元", "亿元", "元", "条", "件", "篇", "次", "个",
    "期", "场", "份", "项", "家", "名", "人", "起", "通", "幅", "本", "处", "位", "批",
    "封", "宗", "单", "张", "套", "所", "户", "%",
)  # fmt: skip
MONEY_UNITS = ("元", "万元", "亿元")
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*"
_FIG_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<mult>\s?[万亿](?!元))?\s?(?P<approx>余|多)?\s?(?P<unit>{_UNIT_RE})?"
    r"|百分之(?P<pct>[\d.]+|[零一二三四五六七八九十百点]+)"
)
# A unit followed by these is part of another word (一次性, 3个工作日, 条例, 元宵…).
_UNIT_STOP = {
    "次": "性|年|日|要|序", "个": "工作日|月|小时|季度|别|体|性|人(?!次)|部分|方面", "条": "例|款|线|龙",
    "件": "事", "项": "目|下", "元": "宵|旦|素|年", "名": "单|称|义|录|片", "人": "民|员|大|社|才|事|口|工|力|们|士",
    "本": "级|部门|机关|单位|年|次|市|县|区|局|网|报", "处": "理|室|罚|置|长|于", "起": "草|来|到|诉|步|始|点|止|算",
    "通": "过|知|报|道|讯|畅|用", "家": "庭|属|园|长", "期": "间|限|望|待", "场": "所|景|地|合",
    "批": "准|复|示|评", "户": "籍|外|口", "位": "置|于", "单": "位|独|据|元|一", "张": "贴",
    "所": "有|在|属|以", "份": "额",
}  # fmt: skip
_UNIT_STOP_RE = {u: re.compile(p) for u, p in _UNIT_STOP.items()}
_CN_NOISE_AFTER = re.compile(
    r"部分|方面|环节|阶段|层级|层次|维度|原则|意识|自信|维护|确立|全面|同步|结合|到位|关键|重点|必须|"
    r"不|之|[一二两三四五]|大|小|级|类|化"
)
_CN_UNITS = ("份", "件", "条", "篇", "期", "场", "次", "家", "名", "位", "项", "人次", "场次")
_NUM_VERB_BEFORE = re.compile(r"(共|计|收到|受理|接到|仅|有)$")

# --- context words --------------------------------------------------------------------

HOTLINE_RE = re.compile(r"12345|热线|便民服务平台|工单|诉求件|转办件|来电|咨询投诉")
REQUEST_RE = re.compile(r"依申请|申请公开|公开申请|信息公开申请|政府信息申请|申请人|申请事项|申请信息")
_NOT_REQUEST_RE = re.compile(r"作为依申请公开|依申请公开(的)?(政府)?信息数|历年")
_COMPLAINT_RE = re.compile(r"诉求|投诉|信访|咨询|来电|案件|求助")
_FOLLOW_RE = re.compile(
    r"办结|办理|答复|回复|处理|结转|办复|率|度|予以公开|同意公开|部分公开|不予|无法提供|其他处理"
)
_OWN_TOPIC_RE = re.compile(r"主动公开|发布|公布|网站|公众号|微博|公报|解读|发布会|培训|访谈")

_PUBLISH_CHANNELS = {"portal", "wechat", "weibo", "gazette", "app", "press", "other"}

_DELIM = ",;:。!?\n"
_LEAD_RE = re.compile(r"^[\s、,:]*(?:(?:其中|包括|另有|以及)[\s、,:]*)?")
_LABEL_CUT_RE = re.compile(
    r"[" + "一二三四五六七八九十" + r"]{1,2}、|\([一二三四五六七八九十\d]{1,2}\)|(?<![\d.])\d{1,2}\.(?!\d)|#+"
)
_COUNT_LABEL_RE = re.compile(r"(数|量|总数)(为|达|达到|是)?\s*$")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_FOUR_CJK_RE = re.compile(r"(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){4}", re.S)
_TITLE_RE = re.compile(r"《[^》]{0,60}》")
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*年")
_CHANGE_RE = re.compile(r"(增长|增加|上升|提高|提升|减少|下降|降低|增幅|降幅|减幅)(了|为|达到|达)?\s*$")
_BASE_RE = re.compile(r"较|比|同比|环比|相比|与")
_CHILD_RE = re.compile(r"其中|包括|包含|(?<![包])含(?!有)")
_SUBTOTAL_RE = re.compile(r"共|累计|总计|合计")
_RATE_LIST_RE = re.compile(
    r"((?:[\u4e00-\u9fff]{1,5}?(?:率|度))(?:(?:及|和|、|与)[\u4e00-\u9fff]{1,5}?(?:率|度))+)$"
)
_RATE_TAIL_RE = re.compile(r"(均为|均达|均|达到|达|为|是|超过|超)$")
_LATIN_END_RE = re.compile(r"[A-Za-z\-/._@#]$")
_LATIN_START_RE = re.compile(r"[A-Za-z.\-]")
_DATE_AFTER_RE = re.compile(r"\s?[年月日号时届岁]")
_EMPTY_LABEL_RE = re.compile(r"(其中|包括|含|另有|以及|和|及|与|并|共|:)*")
_RESPECTIVELY_RE = re.compile(r"^(.*?)分别(?:为|是|达到?)?$")
_ITEM_SPLIT_RE = re.compile(r"、|和|及|与")
_RATE_SPLIT_RE = re.compile(r"及|和|、|与")
_SITE_RE = re.compile(r"网站|网页|专栏")
_GAZETTE_NAME_RE = re.compile(r"《([^》]{2,30}公报)》")
_PORTAL_END_RE = re.compile(r"门户$")
_NAME_LEAD_RE = re.compile(r"^.*?(?:其中|通过|依托|利用|在|于|我局|局|及时|并)")
_INFO_RE = re.compile(r"信息|公开")
_COMPLAINT_WORDS_RE = re.compile(r"投诉|信访|诉求|来电")
_FROM_END_RE = re.compile(r"(至|到|截至|截止|自|从)$")
_SINCE_RE = re.compile(r"\s*(以来|起|以前|前|后)")
_AUDIENCE_RE = re.compile(r"关注|粉丝|订阅|阅读|观看")


@dataclass(frozen=True)
class Rule:
    """One classification rule of ``figure_rules.csv``."""

    metric: str
    metric_zh: str
    topic: str
    kind: str
    channel: str
    units: tuple[str, ...] | None
    pattern: re.Pattern
    exclude: re.Pattern | None = field(default=None)


@lru_cache(maxsize=1)
def figure_rules() -> tuple[Rule, ...]:
    """Read the classification rules from ``govreport/data/figure_rules.csv`` (cached)."""
    text = resources.files("govreport").joinpath("data/figure_rules.csv").read_text(encoding="utf-8")
    rules = []
    for row in csv.DictReader(text.splitlines()):
        units = tuple(row["units"].split("|")) if row["units"] else None
        head = (row[c] for c in ("metric", "metric_zh", "topic", "kind", "channel"))
        exclude = re.compile(row["exclude"]) if row["exclude"] else None
        rules.append(Rule(*head, units, re.compile(row["pattern"]), exclude))
    return tuple(rules)


# --- extraction ----------------------------------------------------------------------------


@dataclass
class _Fig:
    start: int  # of the label / quote
    num_start: int
    end: int  # of the unit
    value: float
    unit: str | None
    label: str
    ctx: str
    sent: tuple[int, int]
    period: tuple[int, int]
    metric: str = "unclassified"
    metric_zh: str = "未分类"
    topic: str | None = None
    channel: str | None = None
    channel_name: str | None = None
    parent: int | None = None
    about_year: int | None = None
    rate_terms: list[str] = field(default_factory=list)
    num_end: int = 0  # end of number and unit


def _kind(unit: str | None) -> str:
    if unit == "%":
        return "rate"
    return "amount" if unit in MONEY_UNITS else "count"


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    seg = text[start:pos]
    return any(seg.count(o) > seg.count(c) for o, c in ("“”", "《》", "<>"))


def _clause_start(text: str, lo: int, pos: int) -> int:
    return max([lo] + [text.rfind(d, lo, pos) + 1 for d in _DELIM])


def _clause_end(text: str, pos: int, hi: int) -> int:
    found = [i for i in (text.find(d, pos, hi) for d in _DELIM) if i >= 0]
    return min(found, default=hi)


def _number_ok(text: str, m: re.Match, sent_start: int) -> bool:
    s, num, unit = m.start(), m.group("num"), m.group("unit")
    before = text[max(0, s - 2) : s]
    after = text[m.end() : m.end() + 4]
    nxt = text[m.end("num") : m.end("num") + 1]
    if before.endswith(("第", "每", "逐", "周", "星期")) or _LATIN_END_RE.search(before):
        return False
    if _LATIN_START_RE.match(nxt) or (
        not unit and _DATE_AFTER_RE.match(text[m.end("num") : m.end("num") + 2])
    ):
        return False
    if unit and unit in _UNIT_STOP_RE and _UNIT_STOP_RE[unit].match(after):
        return False
    if _inside_quotes(text, sent_start, s):
        return False
    if not num[0].isdigit():
        if unit not in _CN_UNITS or before.endswith("各") or _CN_NOISE_AFTER.match(after):
            return False
        if num == "一" and not _NUM_VERB_BEFORE.search(text[sent_start:s]):
            return False
        if len(num) == 1 and before.endswith(("统", "唯", "进", "万", "同")):
            return False
    return True


def _find_numbers(text: str, lo: int, hi: int, sent: tuple[int, int], period: tuple[int, int]) -> list[_Fig]:
    figs: list[_Fig] = []
    if not _FOUR_CJK_RE.match(text, sent[0], sent[1]):  # fewer than 4 CJK characters: page scripts, styles, bare numbers
        return figs
    prev_end, prev_empty = lo, False
    for m in _FIG_RE.finditer(text, lo, hi):
        mult = ""
        if m.group("pct"):
            value, unit = parse_chinese_number(m.group("pct").replace("点", ".")), "%"
        else:
            if not _number_ok(text, m, sent[0]):
                continue
            value = parse_chinese_number(m.group("num"))
            unit = m.group("unit")
            mult = (m.group("mult") or "").strip()
            if mult and value is not None:
                value *= 1e4 if mult == "万" else 1e8
        if value is None:
            continue
        cstart = max(_clause_start(text, lo, m.start()), prev_end)
        label = text[cstart : m.start()]
        if unit is None and not (mult or _COUNT_LABEL_RE.search(label)):
            continue
        cut = max((mm.end() for mm in _LABEL_CUT_RE.finditer(label)), default=0)
        if prev_empty:  # "1条播放量破亿、2条…": the words after a number-first figure are its own
            cut = max(cut, label.rfind("、") + 1)
        if "(" in label[cut:] and ")" not in label[label.rindex("(") :]:
            cut = label.rindex("(") + 1
        cstart += cut
        label = text[cstart : m.start()]
        stripped = label.strip(" 、,:")
        if _EMPTY_LABEL_RE.fullmatch(stripped):
            cstart += len(label)
            label = ""
        else:
            lead = _LEAD_RE.match(label)
            cstart += lead.end()
            label = text[cstart : m.start()].strip()
        if not label and cstart > lo and text[cstart - 1] == ":":  # "收费金额:3940元"
            cstart = _clause_start(text, lo, cstart - 1)
            label = text[cstart : m.start()].rstrip(":")
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        cend = _clause_end(text, end, hi)
        figs.append(
            _Fig(
                cstart,
                m.start(),
                end if label else cend,
                value,
                unit,
                label.strip(),
                text[cstart:cend],
                sent,
                period,
                num_end=end,
            )
        )
        prev_end, prev_empty = end, not label
    for f, nxt in zip(figs, figs[1:], strict=False):  # a figure's words stop where the next one's start
        limit = max(nxt.start, f.num_end)
        f.ctx = text[f.start : min(f.start + len(f.ctx), limit)]
        f.end = min(f.end, limit)
    for i, f in enumerate(figs):  # "行政许可、行政处罚、行政强制…分别为554782项、244523项和12061项"
        m = _RESPECTIVELY_RE.search(f.label) if "分别" in f.label else None
        if m:
            items = [x for x in _ITEM_SPLIT_RE.split(m.group(1)) if x]
            k = 1
            while i + k < len(figs) and not figs[i + k].label and k < len(items):
                k += 1
            if k == len(items):
                for j in range(k):
                    figs[i + j].label = items[j]
    for f in figs:
        while f.end > f.num_end and text[f.end - 1] in "和及与、,;:":
            f.end -= 1
        f.ctx = _TITLE_RE.sub(lambda t: t.group(0) if t.group(0).endswith("公报》") else "《》", f.ctx)
    return figs


@lru_cache(maxsize=1)
def _channel_rules() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r.metric, r.pattern) for r in figure_rules() if r.kind == "channel")


@lru_cache(maxsize=1)
def _zero_rules() -> tuple[Rule, ...]:
    return tuple(r for r in figure_rules() if r.kind == "zero")


def _channels(ctx: str) -> list[str]:
    """Channels named in ``ctx`` (rules of kind ``channel``; a clause naming two gets none)."""
    found = []
    for key, pat in _channel_rules():
        if pat.search(ctx) and not (key == "hotline_other" and "hotline_12345" in found):
            found.append(key)
    if "press" in found and "portal" in found and not _SITE_RE.search(ctx):
        found.remove("portal")
    return found


_NAME_WORDS = {
    "wechat": r"微信公众号|公众号|政务微信", "weibo": r"微博", "portal": r"门户网站|门户网|网站",
    "app": r"客户端|APP|App|小程序", "other": r"视频号|抖音|头条号",
}  # fmt: skip
_QUOTED_NAME_RE = {c: re.compile(r"[“\"]([^”\"]{1,20})[”\"]\s*(?:" + w + ")") for c, w in _NAME_WORDS.items()}
_NAME_BEFORE_RE = {c: re.compile(r"([\u4e00-\u9fff]{2,16}?)(?:" + w + ")") for c, w in _NAME_WORDS.items()}
_NAME_BAD = re.compile(
    r"[的个共各全对将向整合开设维护关停清理注销新增已由在]|^(?:市|县|区)?(?:人民)?政府$|^(?:部门|本|该|局|门户|政务|各类|微信|官方|新媒体)$"
)


def _channel_name(ctx: str, label: str, channel: str) -> str | None:
    """Name of the account or site (``“同心就业创业”微信公众号``, ``莆田市人民政府网站``)."""
    if channel == "gazette":
        m = _GAZETTE_NAME_RE.search(ctx)
        return m.group(1) if m else None
    words = _NAME_WORDS.get(channel)
    if not words:
        return None
    m = _QUOTED_NAME_RE[channel].search(ctx)
    if m:
        return m.group(1)
    m = _NAME_BEFORE_RE[channel].search(label)
    if not m:
        return None
    name = _PORTAL_END_RE.sub("", _NAME_LEAD_RE.sub("", m.group(1)))
    return None if len(name) < 2 or _NAME_BAD.search(name) else name


def _topic(f: _Fig, prev: _Fig | None, text: str) -> str | None:
    """``'hotline'``, ``'requests'`` or ``None``: what the figure is about."""
    ctx = f.ctx
    if _NOT_REQUEST_RE.search(ctx):
        return None
    if REQUEST_RE.search(ctx) or ("申请" in ctx and _INFO_RE.search(ctx)):
        return "requests"
    if HOTLINE_RE.search(ctx):
        return "hotline"
    own_channel = [c for c in _channels(ctx) if c in _PUBLISH_CHANNELS]
    if prev is not None and prev.topic and not own_channel and not _OWN_TOPIC_RE.search(ctx):
        return prev.topic
    before = text[f.period[0] : f.num_start]
    if not own_channel and _COMPLAINT_RE.search(ctx):
        if HOTLINE_RE.search(before) or (
            HOTLINE_RE.search(_previous_period(text, f.period[0])) and _COMPLAINT_WORDS_RE.search(ctx)
        ):
            return "hotline"
    if "申请" in before and _FOLLOW_RE.search(ctx) and not own_channel:
        return "requests"
    return None


def _previous_period(text: str, start: int) -> str:
    """Return the sentence (up to 。!? or a paragraph end) before position ``start``."""
    j = start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    k = max(text.rfind(c, 0, j - 1) for c in "。!?\n")
    return text[k + 1 : j]


def _classify(f: _Fig, terms: str) -> None:
    kind = _kind(f.unit)
    for r in figure_rules():
        if r.topic != "any" and r.topic != f.topic:
            continue
        if r.kind != kind:
            continue
        if r.channel == "+" and f.channel not in _PUBLISH_CHANNELS:
            continue
        if r.channel == "-" and f.channel in _PUBLISH_CHANNELS:
            continue
        if r.units is not None and (f.unit or "") not in r.units:
            continue
        if r.pattern.search(terms) and not (r.exclude and r.exclude.search(terms)):
            f.metric, f.metric_zh = r.metric, r.metric_zh
            return


def _about_year(f: _Fig, text: str, year: int | None) -> int | None:
    if _CHANGE_RE.search(f.label) and _BASE_RE.search(f.label):
        f.metric, f.metric_zh = "change", "与其他年份比较的变化"
        m = _YEAR_RE.search(f.label)
        if m:
            return int(m.group(1))
        return None if year is None else year - 1
    if year is None:
        return None
    candidates = []
    fig_cs = _clause_start(text, f.period[0], f.num_start)
    for m in _YEAR_RE.finditer(text, f.period[0], f.num_start):
        if _inside_quotes(text, f.period[0], m.start()):
            continue
        cs = _clause_start(text, f.period[0], m.start())
        lead = text[cs : m.start()].strip()
        if _FROM_END_RE.search(lead) or _SINCE_RE.match(text[m.end() : m.end() + 2]):
            continue
        if lead == "" or m.start() >= fig_cs:  # a year heading the clause, or in the figure's own clause
            candidates.append(int(m.group(1)))
    if candidates and 1990 < candidates[-1] < 2100 and candidates[-1] != year:
        return candidates[-1]
    return None


@lru_cache(maxsize=1)
def _zero_any() -> re.Pattern | None:
    """One pattern that matches where any zero rule's pattern matches (None: cannot be made)."""
    pats = [r.pattern.pattern for r in _zero_rules()]
    if not pats or any(re.search(r"\\\d|\(\?P=|\(\?[aiLmsux]", p) for p in pats):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in pats))
    except re.error:
        return None


def _zero_figures(text: str, lo: int, hi: int, sent, period) -> list[_Fig]:
    out = []
    seg = text[lo:hi]
    pre = _zero_any()
    if pre is not None and not pre.search(seg):  # no rule matches anywhere
        return out
    for rule in _zero_rules():
        metric, zh = rule.metric, rule.metric_zh
        for m in rule.pattern.finditer(seg):
            if (rule.exclude and rule.exclude.search(m.group(0))) or "无法" in m.group(0):
                continue
            s, e = lo + m.start(), lo + m.end()
            f = _Fig(s, s, e, 0.0, None, m.group(0), m.group(0), sent, period, metric, zh, num_end=e)
            out.append(f)
    return out


def extract_figures(text: str, *, year: int | None = None) -> pd.DataFrame:
    """Extract the figures stated in the prose of a normalised report.

    Parameters
    ----------
    text : str
        Report text normalised by :func:`govreport.normalize.normalize_text`.
    year : int, optional
        The report year; guessed from the title line when omitted.  Used to
        tell figures about other years (``about_year``).

    Returns
    -------
    pandas.DataFrame
        One row per figure in text order, columns :data:`COLUMNS`: ``metric``
        (canonical key or ``unclassified``), ``metric_zh``, ``label`` (the
        words before the number), ``value``, ``share`` (rates as 0-1),
        ``unit``, ``channel`` and ``channel_name``, ``parent`` (row of the
        ``其中`` parent), ``about_year``, ``sentence``, ``start``/``end``
        (offsets of the quote in ``text``), ``section`` (一…六) and ``quote``.
        Table regions are skipped.

    Examples
    --------
    >>> df = extract_figures("2023年主动公开信息351条,其中通过门户网站公开信息124条。"
    ...                      "接收12345工单887条,回复率100%。", year=2023)
    >>> df[["metric", "value", "unit", "channel", "parent"]].values.tolist()
    [['active_total', 351.0, '条', None, <NA>], ['active_channel', 124.0, '条', 'portal', 0], \
['hotline_received', 887.0, '条', 'hotline_12345', <NA>], ['hotline_reply_rate', 100.0, '%', 'hotline_12345', <NA>]]

    """
    return figures_frame(figure_rows(text, year=year))


def figure_rows(text: str, *, year: int | None = None) -> list[dict]:
    """Return the rows of :func:`extract_figures` as plain dicts (the frame's values, in its column order)."""
    year = year if year is not None else guess_report_year(text)
    joined, offs = _join(text)
    tables = _table_spans(joined)
    sections = split_sections(joined)
    periods = sentences(joined, semicolons=False)
    figs: list[_Fig] = []
    for p_start, p_end in periods:
        for sent in _sentences_in(joined, p_start, p_end):
            for lo, hi in _outside(sent[0], sent[1], tables):  # prose pieces of the sentence between table regions
                piece = _find_numbers(joined, lo, hi, sent, (p_start, p_end))
                piece += _zero_figures(joined, lo, hi, sent, (p_start, p_end))
                figs += sorted(piece, key=lambda f: f.num_start)
    _annotate(figs, joined, year)
    rows = []
    sec_starts = [a for _, a, _ in sections]
    for f in figs:
        s0, e0 = offs[f.start], offs[f.end - 1] + 1 if f.end > f.start else offs[f.start]
        sec = _section_at(sections, sec_starts, f.num_start)
        rows.append({
            "metric": f.metric, "metric_zh": f.metric_zh, "label": f.label, "value": f.value,
            "share": f.value / 100 if f.unit == "%" else np.nan, "unit": f.unit, "channel": f.channel,
            "channel_name": f.channel_name, "parent": f.parent, "about_year": f.about_year,
            "sentence": joined[f.sent[0] : f.sent[1]], "start": s0, "end": e0, "section": sec,
            "quote": text[s0:e0].replace("\n", ""),
        })  # fmt: skip
    return rows


def _outside(lo: int, hi: int, spans) -> list[tuple[int, int]]:
    """Return the maximal pieces of ``lo:hi`` outside the sorted, merged ``spans``."""
    out = []
    i = bisect.bisect_right(spans, (lo, float("inf"))) - 1
    if i < 0:
        i = 0
    n = len(spans)
    pos = lo
    while pos < hi:
        while i < n and spans[i][1] <= pos:  # spans wholly before pos
            i += 1
        if i < n and spans[i][0] <= pos:  # inside a span: skip it
            pos = min(spans[i][1], hi)
            continue
        nxt = hi
        k = i
        while k < n:
            if spans[k][0] < spans[k][1]:  # the next non-empty span
                nxt = min(spans[k][0], hi)
                break
            k += 1
        out.append((pos, nxt))
        pos = nxt
    return out


def _section_at(sections, starts: list[int], pos: int):
    """``next((n for n, a, b in sections if a <= pos < b), None)`` for sections that cover the text in order."""
    i = bisect.bisect_right(starts, pos) - 1
    if 0 <= i < len(sections):
        n, a, b = sections[i]
        if a <= pos < b:
            return n
    return next((n for n, a, b in sections if a <= pos < b), None)


_COLUMN_INDEX: list = []


def _frame(cols: dict, n: int) -> pd.DataFrame:
    """Make the frame of these columns as they are (object columns stay object)."""
    try:
        if not _COLUMN_INDEX:
            _COLUMN_INDEX.append(pd.Index(COLUMNS))
        return pd.DataFrame._from_arrays(list(cols.values()), columns=_COLUMN_INDEX[0].view(), index=pd.RangeIndex(n),
                                         verify_integrity=False)  # fmt: skip
    except (AttributeError, TypeError):  # another pandas
        return pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in cols.items()})


def _int_array(values: list):
    """``pd.array(values, dtype="Int64")`` for Python ints and None."""
    if not all(v is None or type(v) is int for v in values):
        return pd.array(values, dtype="Int64")
    mask = np.array([v is None for v in values], dtype=bool).reshape(len(values))
    data = np.array([0 if v is None else v for v in values], dtype=np.int64).reshape(len(values))
    return pd.arrays.IntegerArray(data, mask)


def figures_frame(rows: list[dict], report_id: str | None = None) -> pd.DataFrame:
    """Make the frame of :func:`extract_figures` from its rows (with ``report_id`` first when given)."""
    n = len(rows)
    if not all(type(r["value"]) is float and type(r["start"]) is int and type(r["end"]) is int for r in rows):
        df = pd.DataFrame(rows, columns=COLUMNS).astype(_DTYPES)
        for c in COLUMNS:
            if c not in _DTYPES:
                df[c] = df[c].astype(object).where(df[c].notna(), None)
    else:
        cols: dict = {}
        for c in COLUMNS:
            vals = [r[c] for r in rows]
            if c in ("value", "share"):
                cols[c] = np.array(vals, dtype=np.float64).reshape(n)
            elif c in ("start", "end"):
                cols[c] = np.array(vals, dtype=np.int64).reshape(n)
            elif c in ("parent", "about_year"):
                cols[c] = _int_array(vals)
            else:
                arr = np.empty(n, dtype=object)
                arr[:] = [None if v is None or (type(v) is float and v != v) else v for v in vals]
                cols[c] = arr
        df = _frame(cols, n)
    if report_id is not None:
        df.insert(0, "report_id", report_id)
    return df


def _annotate(figs: list[_Fig], text: str, year: int | None) -> None:
    """Topic, channel, metric, parent and about_year of every figure, in place."""
    expanded: list[_Fig] = []
    for f in figs:
        if f.unit == "%" and f.metric == "unclassified":
            m = _RATE_LIST_RE.search(_RATE_TAIL_RE.sub("", f.label))
            if m:
                for term in _RATE_SPLIT_RE.split(m.group(1)):
                    g = _Fig(**{**f.__dict__, "rate_terms": [term]})
                    expanded.append(g)
                continue
        expanded.append(f)
    figs[:] = expanded
    prev_in_sent: dict[tuple[int, int], _Fig] = {}
    for f in figs:
        if f.metric != "unclassified":  # a statement of nothing
            f.topic = "requests" if f.metric == "requests_received" else None
            continue
        prev = prev_in_sent.get(f.sent)
        f.topic = _topic(f, prev, text)
        chans = _channels(f.ctx)
        if len(chans) == 1:
            f.channel = chans[0]
        elif not chans and f.topic == "hotline":
            before = _previous_period(text, f.period[0]) + text[f.period[0] : f.num_start]
            f.channel = (
                "hotline_12345" if "12345" in before else "hotline_other" if "热线" in before else None
            )
        elif (
            not chans
            and prev is not None
            and prev.channel in _PUBLISH_CHANNELS - {"press"}
            and f.topic is None
            and f.unit != "%"
            and not _COMPLAINT_RE.search(f.ctx)
        ):
            f.channel, f.channel_name = prev.channel, prev.channel_name  # "微博29个,共发布信息1992条"
        elif len(chans) > 1 and f.topic == "hotline":
            f.channel = next((c for c in chans if c.startswith("hotline")), None)
        if f.channel and not f.channel_name:
            f.channel_name = _channel_name(f.ctx, f.label, f.channel)
        _classify(f, f.rate_terms[0] if f.rate_terms else f.ctx)
        prev_in_sent[f.sent] = f
    for f in figs:
        f.about_year = _about_year(f, text, year)
    _link_parents(figs, text)


_PUB_UNITS = ("条", "件", "篇", "份", "项")


def _may_be_child(child: _Fig, parent: _Fig) -> bool:
    if child.unit == "%" or parent.unit == "%":
        return False
    if child.unit != parent.unit and not (child.unit in _PUB_UNITS and parent.unit in _PUB_UNITS):
        return False
    return child.topic in (None, parent.topic)


def _link_parents(figs: list[_Fig], text: str) -> None:
    """Tie ``其中``/``包括``/``含`` sub-figures and ``占x%`` shares to their parent."""
    by_period: dict[tuple[int, int], list[int]] = {}
    for i, f in enumerate(figs):
        by_period.setdefault(f.period, []).append(i)
    periods = list(by_period)
    for pi, period in enumerate(periods):
        idx = by_period[period]
        markers = [m.start() for m in _CHILD_RE.finditer(text, period[0], period[1])]
        for i in idx:
            f = figs[i]
            if f.unit == "%" and f.label.startswith("占"):
                earlier = [j for j in idx if j < i and figs[j].unit != "%"]
                f.parent = earlier[-1] if earlier else None
                continue
            mk = [p for p in markers if p < f.num_start]
            if (
                not mk
                or f.metric.startswith(("requests_carried", "change"))
                or f.value == 0
                and f.unit is None
            ):
                continue
            p = mk[-1]
            cands = [j for j in idx if figs[j].num_end <= p]
            if (
                not cands
                and pi > 0
                and text[period[0] : p].strip() == ""
                and periods[pi - 1][1] >= period[0] - 2
            ):
                cands = by_period[periods[pi - 1]]
            cands = [j for j in cands if _may_be_child(f, figs[j])]
            if not cands or _SUBTOTAL_RE.search(text[_clause_start(text, period[0], f.start) : f.num_start]):
                continue
            f.parent = cands[-1]
            parent = figs[f.parent]
            if (
                parent.metric in ("active_total", "active_channel", "active_cumulative")
                and f.unit in _PUB_UNITS
                and (
                    f.metric == "unclassified"
                    or (f.metric == "active_total" and parent.metric != "active_cumulative")
                )
                and not _AUDIENCE_RE.search(f.ctx)
            ):
                f.metric, f.metric_zh = (
                    ("active_category", "主动公开分类信息")
                    if f.channel is None
                    else ("active_channel", "分渠道主动公开")
                )
