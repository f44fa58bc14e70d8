#!/usr/bin/env python3
"""The figures alone, as DuckDB SQL over the same campaign folder (CSV or Parquet).

    python bench/peer_duckdb.py CAMPAIGN_DIR

Prints the groups / accounts / burden figures as JSON in the shape of jianfu's
metrics.json. No charts, no documents: this is the floor for "the figures alone".
"""
import json
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from words import ACTIVE, MERGED, STAGE  # noqa: E402

DIMENSIONS = ["unit", "township", "level", "platform"]


def sql_list(words):
    return "(" + ", ".join("'" + w + "'" for w in words) + ")"


def status_sql(col):
    w = f"regexp_replace(trim(coalesce({col}, '')), '^已', '')"
    return (f"CASE WHEN {w} = '' OR {w} IN {sql_list(ACTIVE)} THEN 'active' "
            f"WHEN {w} IN {sql_list(MERGED)} THEN 'merged' ELSE 'dissolved' END")


def source(stem: Path):
    for ext in ("parquet", "csv"):
        p = stem.with_suffix("." + ext)
        if p.exists():
            if ext == "csv":
                return f"read_csv('{p}', header=true, all_varchar=true)"
            return f"read_parquet('{p}')"
    return None


def main():
    campaign = Path(sys.argv[1])
    t = time.perf_counter()
    con = duckdb.connect()
    snaps = sorted(p for p in (campaign / "snapshots").iterdir() if p.is_dir())
    b, c = snaps[0], snaps[-1]
    current = c.name
    units = campaign / "units.csv"
    if units.exists():
        con.execute(f"""CREATE TABLE units AS SELECT "单位" AS unit, "乡镇街道" AS township,
            "层级" AS level FROM read_csv('{units}', header=true, all_varchar=true)""")
    else:
        con.execute("CREATE TABLE units (unit VARCHAR, township VARCHAR, level VARCHAR)")
    result = {"groups": None, "accounts": None, "burden": None}
    for side, snap in [("b", b), ("c", c)]:
        for kind in ["groups", "accounts"]:
            src = source(snap / kind)
            if src is None:
                continue
            group = kind == "groups"
            con.execute(f"""CREATE TABLE {kind}_{side} AS SELECT
                "编号" AS id, {status_sql('"状态"')} AS status, "平台" AS platform,
                "单位" AS unit, "乡镇街道" AS township, "层级" AS level,
                "合并至" AS merged_into,
                {'"期限"' if group else 'NULL::VARCHAR'} AS term,
                {'CAST("到期日期" AS DATE)' if group else 'NULL::DATE'} AS expires
                FROM {src}""")
        src = source(snap / "members")
        if src:
            con.execute(f"""CREATE TABLE members_{side} AS SELECT DISTINCT
                "群编号" AS group_id, "成员编号" AS member_id FROM {src}""")
    have_members = all(
        con.execute(f"SELECT count(*) FROM information_schema.tables WHERE table_name='members_{s}'").fetchone()[0]
        for s in "bc")
    for kind in ["groups", "accounts"]:
        if not con.execute(f"SELECT count(*) FROM information_schema.tables WHERE table_name='{kind}_b'").fetchone()[0]:
            continue
        removed = "0"
        if kind == "groups" and have_members:
            con.execute("""CREATE OR REPLACE TABLE removed AS
                SELECT group_id, count(*) AS n FROM (
                  SELECT group_id, member_id FROM members_b
                  EXCEPT SELECT group_id, member_id FROM members_c) GROUP BY group_id""")
            removed = "coalesce(r.n, 0)"
        join_removed = "LEFT JOIN removed r ON r.group_id = j.id" if removed != "0" else ""
        con.execute(f"""CREATE OR REPLACE TABLE items AS
        WITH j AS (
          SELECT coalesce(b.id, c.id) AS id,
            coalesce(b.status = 'active', false) AS ab,
            coalesce(c.status = 'active', false) AS ac,
            c.status IS NOT NULL AS in_c,
            c.status = 'merged' OR c.merged_into IS NOT NULL AS merged,
            coalesce(trim(coalesce(c.term, b.term)) IN {sql_list(STAGE)}, false)
              AND coalesce(coalesce(c.expires, b.expires) <= DATE '{current}', false) AS expired,
            CASE WHEN c.status IS NOT NULL THEN c.unit ELSE b.unit END AS unit,
            CASE WHEN c.status IS NOT NULL THEN c.township ELSE b.township END AS township,
            CASE WHEN c.status IS NOT NULL THEN c.level ELSE b.level END AS level,
            CASE WHEN c.status IS NOT NULL THEN c.platform ELSE b.platform END AS platform
          FROM {kind}_b b FULL OUTER JOIN {kind}_c c ON b.id = c.id)
        SELECT j.id, j.ab::INT AS active_before, j.ac::INT AS active_after,
          CASE WHEN j.ab AND j.ac THEN 'retained' WHEN j.ab AND coalesce(j.merged, false) THEN 'merged'
               WHEN j.ab AND j.expired THEN 'expired' WHEN j.ab THEN 'dissolved' ELSE 'new' END AS disposition,
          CASE WHEN j.ab AND j.ac THEN {removed} ELSE 0 END AS members_removed,
          j.unit, coalesce(j.township, u.township) AS township, coalesce(j.level, u.level) AS level,
          j.platform
        FROM j {join_removed} LEFT JOIN units u ON u.unit = j.unit
        WHERE j.ab OR j.ac""")
        agg = """sum(active_before)::BIGINT AS before, sum(active_after)::BIGINT AS after,
          count(*) FILTER (disposition = 'retained') AS retained,
          count(*) FILTER (members_removed > 0) AS trimmed,
          count(*) FILTER (disposition = 'merged') AS merged,
          count(*) FILTER (disposition = 'dissolved') AS dissolved,
          count(*) FILTER (disposition = 'expired') AS expired,
          count(*) FILTER (disposition = 'new') AS new,
          sum(members_removed)::BIGINT AS members_removed"""

        def rows(q):
            cur = con.execute(q)
            names = [d[0] for d in cur.description]
            out = []
            for rec in cur.fetchall():
                r = {n: (int(v) if isinstance(v, (int, float)) and n != "key" else v)
                     for n, v in zip(names, rec)}
                r["closed"] = r["dissolved"] + r["merged"] + r["expired"]
                bf = r["before"]
                r["reduction_ratio"] = (bf - r["after"]) / bf if bf else None
                r["closure_rate"] = r["closed"] / bf if bf else None
                out.append(r)
            return out

        figures = rows(f"SELECT {agg} FROM items")[0]
        for d in DIMENSIONS:
            figures["by_" + d] = rows(
                f"SELECT {d} AS key, {agg} FROM items GROUP BY {d} ORDER BY {d} NULLS LAST")
        result[kind] = figures
    if have_members:
        def per(side):
            return f"""SELECT m.member_id, count(*) AS n FROM members_{side} m
                JOIN groups_{side} g ON g.id = m.group_id AND g.status = 'active'
                GROUP BY m.member_id"""
        con.execute(f"""CREATE TABLE per AS
            WITH cadres AS (SELECT member_id FROM members_b UNION SELECT member_id FROM members_c)
            SELECT coalesce(b.n, 0)::DOUBLE AS before, coalesce(a.n, 0)::DOUBLE AS after
            FROM cadres k LEFT JOIN ({per('b')}) b USING (member_id)
                          LEFT JOIN ({per('c')}) a USING (member_id)""")
        burden = {"cadres": con.execute("SELECT count(*) FROM per").fetchone()[0]}
        for s in ["before", "after"]:
            mean, median, p90, mx, ge10 = con.execute(
                f"""SELECT avg({s}), quantile_cont({s}, 0.5), quantile_cont({s}, 0.9),
                    max({s}), count(*) FILTER ({s} >= 10) FROM per""").fetchone()
            burden[s] = {"mean": mean, "median": median, "p90": p90, "max": int(mx), "ge10": ge10}
        result["burden"] = burden
    print(json.dumps(result, ensure_ascii=False))
    print("timings " + json.dumps({"figures": time.perf_counter() - t}), file=sys.stderr)


if __name__ == "__main__":
    main()
