"""Analysis-ready summaries of a corpus: what the notebooks chart.

Every function takes a :class:`~govreport.corpus.Corpus` (or anything with a
``frame(name)`` method returning the frames with ``agency_id``, ``agency``
and ``year``) and returns a tidy DataFrame.  Conventions:

- rates are ratios of sums over the group asked for (never means of rates);
- each rate carries its denominator ``n`` and ``small_n`` (``n < MIN_N``):
  a rate on a handful of requests is shown, but flagged, not charted as precise;
- empty cells (printed blank/—) count as 0 in sums; ambiguous or unknown cells
  are left out of sums and counted in ``unsure`` so a reader sees the doubt.
"""

from __future__ import annotations

import pandas as pd

from .values import SETTLED as _SURE

__all__ = [
    "MIN_N",
    "OUTCOME_GROUPS",
    "disclosure_volumes",
    "active_counts",
    "applicants",
    "outcomes",
    "carry_over",
    "hotline",
    "reviews_summary",
    "check_failures",
    "agency_profile",
]

MIN_N = 30
KEYS = ["agency_id", "agency", "year"]

# outcome group -> (Chinese, English); rows of table 3 belonging to each
OUTCOME_GROUPS = {
    "granted": ("予以公开", "Granted"),
    "partly_granted": ("部分公开", "Partly granted"),
    "withheld": ("不予公开", "Withheld"),
    "unable": ("无法提供", "Unable to provide"),
    "rejected": ("不予处理", "Not processed"),
    "other": ("其他处理", "Other"),
}
APPLICANTS = {
    "natural_person": ("自然人", "Natural persons"),
    "commercial": ("商业企业", "Companies"),
    "research": ("科研机构", "Research"),
    "social_welfare": ("社会公益组织", "NGOs"),
    "legal_services": ("法律服务机构", "Legal services"),
    "other_org": ("其他", "Other organisations"),
}
CHANNELS = {
    "portal": ("门户网站", "Portal"),
    "wechat": ("微信", "WeChat"),
    "weibo": ("微博", "Weibo"),
    "gazette": ("政府公报", "Gazette"),
    "app": ("客户端", "App"),
    "press": ("新闻发布", "Press"),
    "other": ("其他", "Other"),
}


def _outcome_group(row: str) -> str | None:
    if row in ("granted", "partly_granted"):
        return row
    for g in ("withheld", "unable", "rejected"):
        if row.startswith(g + "_"):
            return g
    if row.startswith("other_"):
        return "other"
    return None


def _sure_values(df: pd.DataFrame) -> pd.DataFrame:
    sure = df["certainty"].isin(_SURE)
    return df.assign(value=df["value"].where(sure), unsure=(~sure & ~df["kind"].isin(["empty"])).astype(int))


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("Float64")
    return (num.astype("Float64") / den.where(den > 0)).astype("Float64")


def disclosure_volumes(corpus) -> pd.DataFrame:
    """Active disclosure (主动公开) stated in the prose: total and per channel, per agency and year.

    One row per report and channel (``channel`` is ``total`` for the stated
    total).  The first figure of each kind in a report is taken: reports
    often restate a total later with other scope.
    """
    fig = corpus.frame("figures")
    fig = fig[fig["about_year"].isna() & fig["metric"].isin(["active_total", "active_channel"])]
    fig = fig.assign(channel=fig["channel"].where(fig["metric"] == "active_channel", "total").fillna("other"))
    first = fig.sort_values("start").groupby(["report_id", "channel"], observed=True, as_index=False).first()
    out = first[["report_id", *KEYS, "channel", "channel_name", "value", "unit", "quote"]].copy()
    out["channel_zh"] = out["channel"].map(lambda c: "合计" if c == "total" else CHANNELS.get(c, (c, c))[0])
    return out.sort_values([*KEYS, "channel"]).reset_index(drop=True)


def active_counts(corpus, rows=("normative_documents", "licensing", "penalty", "enforcement")) -> pd.DataFrame:
    """Table-2 counts per agency and year: documents issued, licences, penalties, enforcement."""
    act = corpus.frame("active")
    pick = {"normative_documents": ("issued", "made"), "licensing": ("decisions",), "penalty": ("decisions",), "enforcement": ("decisions",), "rules": ("issued", "made")}
    keep = act[act["row"].isin(rows)]
    keep = keep[[c in pick[r] for r, c in zip(keep["row"].astype(str), keep["column"].astype(str), strict=True)]]
    keep = _sure_values(keep)
    out = keep.groupby([*KEYS, "row"], observed=True, as_index=False).agg(value=("count", "sum"), unsure=("unsure", "sum"), row_zh=("row_zh", "first"))
    out["value"] = out["value"].astype("Int64")
    return out.sort_values([*KEYS, "row"]).reset_index(drop=True)


def applicants(corpus, by=("year",)) -> pd.DataFrame:
    """New requests (本年新收) by applicant type, summed over ``by``."""
    req = _sure_values(corpus.frame("requests"))
    new = req[(req["row"] == "new_requests") & req["column"].isin(list(APPLICANTS))]
    new = new.assign(column=pd.Categorical(new["column"].astype(str), categories=list(APPLICANTS), ordered=True))
    out = new.groupby([*by, "column"], observed=True, as_index=False).agg(requests=("value", "sum"), unsure=("unsure", "sum"))
    out["applicant_zh"] = out["column"].map(lambda c: APPLICANTS[c][0]).astype("string")
    out["applicant_en"] = out["column"].map(lambda c: APPLICANTS[c][1]).astype("string")
    out["requests"] = out["requests"].astype("Int64")
    return out.reset_index(drop=True)


def outcomes(corpus, by=("year",)) -> pd.DataFrame:
    """Request outcomes (table 3, 总计 column) by outcome group, with shares and the disclosure rate.

    ``disclosure_rate`` = (予以公开 + 部分公开) / all requests handled (（七）总计
    as the sum of outcome rows), a ratio of sums over each group of ``by``.
    """
    req = _sure_values(corpus.frame("requests"))
    req = req[req["column"] == "total"]
    req = req.assign(outcome=req["row"].astype(str).map(_outcome_group))
    req = req[req["outcome"].notna()]
    g = req.groupby([*by, "outcome"], as_index=False).agg(requests=("value", "sum"), unsure=("unsure", "sum"))
    tot = g.groupby(list(by), as_index=False)["requests"].sum().rename(columns={"requests": "n"})
    g = g.merge(tot, on=list(by))
    g["share"] = _rate(g["requests"], g["n"])
    disc = g[g["outcome"].isin(["granted", "partly_granted"])].groupby(list(by), as_index=False)["requests"].sum().rename(columns={"requests": "disclosed"})
    g = g.merge(disc, on=list(by), how="left")
    g["disclosure_rate"] = _rate(g["disclosed"].fillna(0), g["n"])
    g["small_n"] = g["n"] < MIN_N
    g["outcome"] = pd.Categorical(g["outcome"], categories=list(OUTCOME_GROUPS), ordered=True)
    g["outcome_zh"] = g["outcome"].map(lambda o: OUTCOME_GROUPS[o][0]).astype("string")
    g["outcome_en"] = g["outcome"].map(lambda o: OUTCOME_GROUPS[o][1]).astype("string")
    for c in ("requests", "n", "disclosed"):
        g[c] = g[c].astype("Int64")
    return g.sort_values([*by, "outcome"]).reset_index(drop=True)


def carry_over(corpus) -> pd.DataFrame:
    """New, carried over (上年结转), handled (总计) and carried forward (结转下年度) per agency and year."""
    req = _sure_values(corpus.frame("requests"))
    req = req[(req["column"] == "total") & req["row"].isin(["new_requests", "carried_over", "total", "carried_forward"])]
    wide = req.pivot_table(index=KEYS, columns="row", values="value", aggfunc="sum", observed=True).reset_index()
    wide.columns.name = None
    return wide.rename(columns={"total": "handled"})


def hotline(corpus) -> pd.DataFrame:
    """Hotline work (12345 and others) stated in the prose, per agency and year.

    Columns: received, closed (counts), and rates (reply/close/on-time/
    satisfaction) as shares in [0, 1] with ``n`` = work orders received.
    """
    fig = corpus.frame("figures")
    fig = fig[fig["about_year"].isna() & fig["metric"].astype(str).str.startswith("hotline_")]
    if fig.empty:
        return pd.DataFrame(columns=[*KEYS, "metric", "value", "share", "n", "small_n", "channel", "quote"])
    first = fig.sort_values("start").groupby(["report_id", "metric"], as_index=False).first()
    n = first[first["metric"] == "hotline_received"][["report_id", "value"]].rename(columns={"value": "n"})
    out = first.merge(n, on="report_id", how="left")
    out["small_n"] = out["n"].isna() | (out["n"] < MIN_N)
    return out[[*KEYS, "metric", "metric_zh", "value", "share", "unit", "n", "small_n", "channel", "quote"]].sort_values([*KEYS, "metric"]).reset_index(drop=True)


def reviews_summary(corpus, by=("year",)) -> pd.DataFrame:
    """Administrative review and litigation (table 4): totals and the correction rate.

    ``correction_rate`` = 结果纠正 / decided cases (总计 − 尚未审结), a ratio of
    sums over each group of ``by``.
    """
    rev = _sure_values(corpus.frame("reviews"))
    wide = rev.pivot_table(index=[*by, "proceeding"], columns="outcome", values="value", aggfunc="sum", observed=True).reset_index()
    wide.columns.name = None
    for c in ("upheld", "corrected", "other", "pending", "total"):
        if c not in wide:
            wide[c] = 0
    wide["decided"] = wide["total"] - wide["pending"]
    wide["correction_rate"] = _rate(wide["corrected"], wide["decided"])
    wide["small_n"] = wide["decided"] < MIN_N
    zh = {"review": "行政复议 Administrative review", "suit_direct": "直接起诉 Suit", "suit_after_review": "复议后起诉 Suit after review"}
    wide["proceeding_label"] = wide["proceeding"].astype(str).map(zh)
    return wide


def check_failures(corpus, *, kind: str | None = None) -> pd.DataFrame:
    """Failed checks per check id, kind and severity, with the reports they fail in."""
    chk = corpus.frame("checks")
    if kind is not None:
        chk = chk[chk["kind"] == kind]
    st = chk.groupby(["check_id", "kind", "severity"], observed=True).agg(
        fail=("status", lambda s: int((s == "fail").sum())),
        passed=("status", lambda s: int((s == "pass").sum())),
        not_assessable=("status", lambda s: int((s == "not-assessable").sum())),
        reports_failing=("report_id", lambda s: int(s[chk.loc[s.index, "status"] == "fail"].nunique())),
    )
    st = st.reset_index()
    for c in ("check_id", "kind", "severity"):
        st[c] = st[c].astype("string")
    return st.sort_values(["fail", "check_id"], ascending=[False, True]).reset_index(drop=True)


def agency_profile(corpus, agency_id: str) -> pd.DataFrame:
    """One agency across years: requests, disclosure rate, carry-over, active disclosure, hotline, reviews, checks."""
    co = carry_over(corpus)
    co = co[co["agency_id"] == agency_id]
    out = outcomes(corpus, by=("agency_id", "year"))
    out = out[out["agency_id"] == agency_id].groupby("year", as_index=False).agg(disclosure_rate=("disclosure_rate", "first"), n=("n", "first"))
    vol = disclosure_volumes(corpus)
    vol = vol[(vol["agency_id"] == agency_id) & (vol["channel"] == "total")][["year", "value"]].rename(columns={"value": "active_total"})
    hot = hotline(corpus)
    hot = hot[(hot["agency_id"] == agency_id) & (hot["metric"] == "hotline_received")][["year", "value"]].rename(columns={"value": "hotline_received"})
    rev = reviews_summary(corpus, by=("agency_id", "year"))
    rev = rev[(rev["agency_id"] == agency_id) & (rev["proceeding"] == "review")][["year", "total"]].rename(columns={"total": "reviews"})
    chk = corpus.frame("checks")
    chk = chk[(chk["agency_id"] == agency_id) & (chk["status"] == "fail") & (chk["kind"] == "agency")]
    fails = chk.groupby("year", as_index=False).agg(checks_failed=("check_id", "size"), failed_ids=("check_id", lambda s: ", ".join(sorted(set(s)))))
    prof = co.drop(columns=["agency_id"]).merge(out, on="year", how="left")
    for extra in (vol, hot, rev, fails):
        prof = prof.merge(extra, on="year", how="left")
    prof["checks_failed"] = prof["checks_failed"].fillna(0).astype(int)
    return prof.sort_values("year").reset_index(drop=True)
