#!/usr/bin/env python3
"""The pipeline a data analyst would write instead of jianfu: pandas (vectorised) for the
figures, matplotlib for the charts, jinja2 for the HTML page and WeasyPrint for the PDF.

    python bench/peer_pandas.py CAMPAIGN_DIR OUT_DIR [--figures-only]

Reads the same campaign folder (CSV or Parquet tables), computes the same figures as
jianfu's metrics.json (groups, accounts, burden) and prints them as JSON on stdout;
writes charts/*.svg, index.html and report.pdf into OUT_DIR.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from words import ACTIVE, MERGED, STAGE  # noqa: E402

GROUP_COLS = {"编号": "id", "平台": "platform", "单位": "unit", "乡镇街道": "township",
              "层级": "level", "成员数": "members", "期限": "term", "到期日期": "expires",
              "状态": "status", "合并至": "merged_into"}
ACCOUNT_COLS = {"编号": "id", "平台": "platform", "单位": "unit", "乡镇街道": "township",
                "层级": "level", "状态": "status", "合并至": "merged_into"}
MEMBER_COLS = {"群编号": "group_id", "成员编号": "member_id"}
DIMENSIONS = ["unit", "township", "level", "platform"]
COUNTS = ["before", "after", "retained", "trimmed", "merged", "dissolved", "expired", "new"]


def read(path_stem: Path, columns: dict) -> pd.DataFrame | None:
    for ext in ("parquet", "csv"):
        p = path_stem.with_suffix("." + ext)
        if p.exists():
            if ext == "csv":
                df = pd.read_csv(p, dtype=str, usecols=lambda c: c.strip() in columns,
                                 encoding="utf-8-sig", engine="c")
            else:
                df = pd.read_parquet(p, columns=None)
                df = df[[c for c in df.columns if c in columns]]
            return df.rename(columns=lambda c: columns[c.strip()])
    return None


def status(s: pd.Series) -> pd.Series:
    w = s.fillna("").str.strip().str.removeprefix("已")
    out = pd.Series("dissolved", index=s.index, dtype=object)
    out[w.isin(MERGED)] = "merged"
    out[(w == "") | w.isin(ACTIVE)] = "active"
    return out


def side(df: pd.DataFrame, suffix: str) -> pd.DataFrame:
    df = df.copy()
    df["status"] = status(df["status"]) if "status" in df else "active"
    for c in ["platform", "unit", "township", "level", "merged_into", "term"]:
        if c not in df:
            df[c] = None
    df["stage"] = df["term"].fillna("").str.strip().isin(STAGE) & df["term"].notna()
    df["expires"] = pd.to_datetime(df["expires"]) if "expires" in df else pd.NaT
    df["members"] = pd.to_numeric(df["members"]) if "members" in df else np.nan
    keep = ["id", "status", "platform", "unit", "township", "level", "merged_into", "term",
            "stage", "expires", "members"]
    return df[keep].add_suffix(suffix).rename(columns={"id" + suffix: "id"})


def memberships(m: pd.DataFrame) -> pd.DataFrame:
    return m[["group_id", "member_id"]].drop_duplicates()


def items(b, c, mb, mc, current: pd.Timestamp, units) -> pd.DataFrame:
    j = side(b, "_b").merge(side(c, "_c"), on="id", how="outer")
    ab = j["status_b"].eq("active")
    ac = j["status_c"].eq("active")
    j = j[ab | ac].copy()
    ab, ac = ab[j.index], ac[j.index]
    in_c = j["status_c"].notna()
    for d in DIMENSIONS:
        j[d] = j[d + "_c"].where(in_c, j[d + "_b"])
    merged = j["status_c"].eq("merged") | j["merged_into_c"].notna()
    term = j["term_c"].where(j["term_c"].notna(), j["term_b"])
    stage = term.fillna("").str.strip().isin(STAGE)
    expires = j["expires_c"].where(j["expires_c"].notna(), j["expires_b"])
    expired = stage & (expires <= current).fillna(False)
    disp = np.select(
        [ab & ac, ab & merged, ab & expired, ab],
        ["retained", "merged", "expired", "dissolved"], default="new")
    j["disposition"] = disp
    if mb is not None and mc is not None:
        pb, pc = memberships(mb), memberships(mc)
        gone = pb.merge(pc, how="left", on=["group_id", "member_id"], indicator=True)
        removed = gone[gone["_merge"] == "left_only"].groupby("group_id").size()
        rem = j["id"].map(removed).fillna(0)
    else:
        rem = (j["members_b"] - j["members_c"]).clip(lower=0).fillna(0)
    j["members_removed"] = np.where(j["disposition"] == "retained", rem, 0).astype("int64")
    j["active_before"] = ab.astype("int64")
    j["active_after"] = ac.astype("int64")
    if units is not None:
        d = units.drop_duplicates("unit").set_index("unit")
        for c in ["township", "level"]:
            j[c] = j[c].where(j[c].notna(), j["unit"].map(d[c]))
    return j[["id", "disposition", "active_before", "active_after", "members_removed"] + DIMENSIONS]


def figures(df: pd.DataFrame, by=None):
    d = df.assign(**{k: (df["disposition"] == k).astype("int64")
                     for k in ["retained", "merged", "dissolved", "expired", "new"]},
                  trimmed=(df["members_removed"] > 0).astype("int64"),
                  before=df["active_before"], after=df["active_after"])
    cols = COUNTS + ["members_removed"]
    if by is None:
        rows = [dict(zip(cols, (int(v) for v in d[cols].sum())))]
    else:
        g = d.groupby(by, dropna=False, sort=False)[cols].sum().reset_index()
        g["_null"] = g[by].isna()
        g = g.sort_values(["_null", by], kind="stable")
        rows = []
        for rec in g.itertuples(index=False):
            r = rec._asdict()
            key = r[by]
            rows.append({"key": None if pd.isna(key) else key,
                         **{c: int(r[c]) for c in cols}})
    for r in rows:
        r["closed"] = r["dissolved"] + r["merged"] + r["expired"]
        b = r["before"]
        r["reduction_ratio"] = (b - r["after"]) / b if b else None
        r["closure_rate"] = r["closed"] / b if b else None
    return rows if by is not None else rows[0]


def kind_figures(df):
    out = figures(df)
    for d in DIMENSIONS:
        out["by_" + d] = figures(df, d)
    return out


def burden(gb, mb, gc, mc):
    cadres = pd.Index(pd.concat([mb["member_id"], mc["member_id"]]).unique())

    def per(groups, members):
        active = groups.loc[status(groups["status"]) == "active", "id"]
        m = memberships(members)
        m = m[m["group_id"].isin(active)]
        return m.groupby("member_id").size().reindex(cadres, fill_value=0)

    out = {"cadres": int(len(cadres))}
    for name, s in [("before", per(gb, mb)), ("after", per(gc, mc))]:
        v = s.to_numpy(dtype="float64")
        out[name] = {"mean": float(v.mean()), "median": float(np.median(v)),
                     "p90": float(np.quantile(v, 0.9)), "max": int(v.max()),
                     "ge10": int((v >= 10).sum())}
    return out, per


def compute(campaign: Path):
    snaps = sorted(p for p in (campaign / "snapshots").iterdir() if p.is_dir())
    b, c = snaps[0], snaps[-1]
    current = pd.Timestamp(c.name)
    units = None
    if (campaign / "units.csv").exists():
        units = pd.read_csv(campaign / "units.csv", dtype=str).rename(
            columns={"单位": "unit", "乡镇街道": "township", "层级": "level"})
    gb, gc = read(b / "groups", GROUP_COLS), read(c / "groups", GROUP_COLS)
    ab, ac = read(b / "accounts", ACCOUNT_COLS), read(c / "accounts", ACCOUNT_COLS)
    mb, mc = read(b / "members", MEMBER_COLS), read(c / "members", MEMBER_COLS)
    result = {"groups": None, "accounts": None, "burden": None}
    frames = {}
    if gb is not None:
        frames["groups"] = items(gb, gc, mb, mc, current, units)
        result["groups"] = kind_figures(frames["groups"])
    if ab is not None:
        frames["accounts"] = items(ab, ac, None, None, current, units)
        result["accounts"] = kind_figures(frames["accounts"])
    per = None
    if mb is not None and mc is not None:
        result["burden"], _ = burden(gb, mb, gc, mc)
    return result, frames


HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:"Noto Serif CJK SC",serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #999;padding:2px 6px}td.n{text-align:right}@page{size:A4;margin:2cm}</style>
</head><body><h1>{{ title }}</h1>
<h2>一、总体情况</h2>
{% for k, f in kinds %}<p>{{ k }}从{{ f.before }}个精简到{{ f.after }}个，精简占比{{ pct(f.reduction_ratio) }}，
其中解散{{ f.dissolved }}个、合并{{ f.merged }}个、到期{{ f.expired }}个，新建{{ f.new }}个。</p>{% endfor %}
{% for c in charts %}<figure>{{ c | safe }}</figure>{% endfor %}
{% for t in tables %}<h3>{{ t.title }}</h3><table><tr><th>序号</th><th>{{ t.dim }}</th><th>清理前</th><th>清理后</th>
<th>关停</th><th>新建</th><th>精简占比</th></tr>
{% for r in t.rows %}<tr><td>{{ loop.index }}</td><td>{{ r.key or "—" }}</td><td class="n">{{ r.before }}</td>
<td class="n">{{ r.after }}</td><td class="n">{{ r.closed }}</td><td class="n">{{ r.new }}</td>
<td class="n">{{ pct(r.reduction_ratio) }}</td></tr>{% endfor %}</table>
{% if t.more %}<p>仅列前{{ t.rows|length }}项，完整名单见 tables.xlsx</p>{% endif %}{% endfor %}
</body></html>"""


def render(result, out: Path, timings):
    import io
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from jinja2 import Environment
    from weasyprint import HTML as WHTML

    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    t = time.perf_counter()
    charts = []
    for kind in ["groups", "accounts"]:
        f = result[kind]
        if not f:
            continue
        for dim in ["township", "platform"]:
            rows = sorted(f["by_" + dim], key=lambda r: -r["before"])[:20]
            fig, ax = plt.subplots(figsize=(8, max(2, 0.3 * len(rows))))
            labels = [r["key"] or "市直" for r in rows]
            y = np.arange(len(rows))
            ax.barh(y - 0.2, [r["before"] for r in rows], 0.4, label="清理前")
            ax.barh(y + 0.2, [r["after"] for r in rows], 0.4, label="清理后")
            ax.set_yticks(y, labels)
            ax.invert_yaxis()
            ax.legend()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight")
            plt.close(fig)
            svg = buf.getvalue()
            (out / "charts" / f"{kind}_by_{dim}.svg").write_text(svg)
            charts.append(svg[svg.index("<svg"):])
        fig, ax = plt.subplots(figsize=(6, 3))
        names = ["retained", "dissolved", "merged", "expired", "new"]
        ax.bar(["保留", "解散", "合并", "到期", "新建"], [f[n] for n in names])
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
        (out / "charts" / f"{kind}_dispositions.svg").write_text(buf.getvalue())
        charts.append(buf.getvalue()[buf.getvalue().index("<svg"):])
    if result["burden"]:
        fig, ax = plt.subplots(figsize=(6, 3))
        b = result["burden"]
        ax.bar(["均值前", "均值后", "P90前", "P90后"],
               [b["before"]["mean"], b["after"]["mean"], b["before"]["p90"], b["after"]["p90"]])
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
        (out / "charts" / "burden.svg").write_text(buf.getvalue())
        charts.append(buf.getvalue()[buf.getvalue().index("<svg"):])
    timings["charts"] = time.perf_counter() - t

    t = time.perf_counter()
    tables = []
    for kind, word in [("groups", "工作群"), ("accounts", "政务新媒体")]:
        f = result[kind]
        if not f:
            continue
        for dim, label in [("unit", "单位"), ("township", "乡镇街道"), ("level", "层级"),
                           ("platform", "平台")]:
            rows = f["by_" + dim]
            tables.append({"title": f"各{label}{word}清理情况", "dim": label,
                           "rows": rows[:50], "more": len(rows) > 50})

    def pct(x):
        return "—" if x is None else f"{x * 100:.1f}%"

    env = Environment(autoescape=True)
    env.globals["pct"] = pct
    kinds = [(w, result[k]) for k, w in [("groups", "工作群"), ("accounts", "政务新媒体")]
             if result[k]]
    html = env.from_string(HTML).render(title="关于减负工作情况的通报", kinds=kinds,
                                        charts=charts, tables=tables)
    (out / "index.html").write_text(html)
    timings["html"] = time.perf_counter() - t
    t = time.perf_counter()
    WHTML(string=html).write_pdf(out / "report.pdf")
    timings["pdf"] = time.perf_counter() - t


def main():
    campaign, out = Path(sys.argv[1]), Path(sys.argv[2])
    figures_only = "--figures-only" in sys.argv
    timings = {}
    t = time.perf_counter()
    result, _ = compute(campaign)
    timings["figures"] = time.perf_counter() - t
    if not figures_only:
        render(result, out, timings)
    print(json.dumps(result, ensure_ascii=False))
    print("timings " + json.dumps(timings), file=sys.stderr)


if __name__ == "__main__":
    main()
