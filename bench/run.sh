#!/usr/bin/env bash
# Side-by-side benchmark: jianfu against the pandas pipeline and DuckDB, on synthetic
# campaigns of three sizes. Prints wall time, peak memory and the ratios; checks that each
# peer's figures equal jianfu's metrics.json.
#
#   bench/run.sh                 # small medium large
#   bench/run.sh small           # one size
#   bench/run.sh province        # 4 M items, ~5 GB of CSV: jianfu and DuckDB only
#   FORMAT=parquet bench/run.sh  # Parquet inputs instead of CSV
#
# Needs: python3 with bench/requirements.txt, Debian's libpango (WeasyPrint) and
# /usr/bin/time (apt-get install -y time libpango-1.0-0 libpangoft2-1.0-0).
# Environment: CARGO_TARGET_DIR (default target), PROFILE (default dist, see Cargo.toml),
# BENCH_DIR (default /tmp/jianfu-bench),
# PEERS_LARGE=1 to run the pandas peer at the large size too, PEER_TIMEOUT (s, default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${BENCH_DIR:-/tmp/jianfu-bench}
FORMAT=${FORMAT:-csv}
PEER_TIMEOUT=${PEER_TIMEOUT:-1800}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(small medium large)
mkdir -p "$WORK"

# The shipped binary's profile (fat LTO; about 75 minutes to compile from clean on 2 cores);
# PROFILE=release measures the faster-to-build one.
PROFILE=${PROFILE:-dist}
cargo build --profile "$PROFILE" --quiet
BIN="$TARGET/$PROFILE/jianfu"

# size → groups accounts members-per-group
params() {
  case "$1" in
    small)  echo "35000 7000 31" ;;      # 42,000 items, ~1.1 M memberships per snapshot
    medium) echo "350000 70000 31" ;;    # 420,000 items, ~11 M memberships
    large)  echo "1000000 200000 30" ;;  # 1.2 M items, ~30 M memberships per snapshot
    province) echo "3300000 700000 30" ;;  # 4.0 M items, ~99 M memberships per snapshot
    *) echo "unknown size $1" >&2; exit 2 ;;
  esac
}

# measure NAME LOG CMD...: runs CMD under /usr/bin/time -v; appends "NAME wall_s peak_mib"
measure() {
  local name=$1 log=$2; shift 2
  local status=0
  /usr/bin/time -v -o "$log.time" timeout "$PEER_TIMEOUT" "$@" >"$log.out" 2>"$log.err" || status=$?
  local wall peak
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log.time")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log.time")
  if [ "$status" -ne 0 ]; then
    echo "$name FAILED(status $status) $wall $peak" | tee -a "$WORK/results.txt"
    return 1
  fi
  echo "$name $wall $peak" | tee -a "$WORK/results.txt"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), format $FORMAT" | tee -a "$WORK/results.txt"
for size in "${SIZES[@]}"; do
  read -r groups accounts mpg <<<"$(params "$size")"
  dir="$WORK/$size-$FORMAT"
  if [ ! -f "$dir/README.txt" ]; then
    rm -rf "$dir"
    "$BIN" --quiet synth "$dir" --groups "$groups" --accounts "$accounts" \
      --members-per-group "$mpg" --snapshots 2 --format "$FORMAT" --seed 42 >/dev/null
  fi
  input_mib=$(du -sm "$dir" | cut -f1)
  echo "## $size: $groups groups, $accounts accounts, $mpg members/group, inputs ${input_mib} MiB"
  out="$WORK/out-$size-$FORMAT"
  rm -rf "$out"
  # A province's members table passes the default 512 MiB table limit.
  measure "$size jianfu-build" "$WORK/$size.jianfu" "$BIN" --quiet build "$dir" --out "$out" --timings --max-table-mb 4096
  grep '^timing' "$WORK/$size.jianfu.err" | sed 's/^/    /' || true
  echo "    jianfu peak memory ÷ inputs = $(ratio "$(awk -v s="$size" '$1==s && $2=="jianfu-build" {w=$4} END {print w}' "$WORK/results.txt")" "$input_mib")"
  metrics=$(ls "$out"/*/*/metrics.json)
  j_wall=$(awk -v s="$size" '$1==s && $2=="jianfu-build" {w=$3} END {print w}' "$WORK/results.txt")
  j_peak=$(awk -v s="$size" '$1==s && $2=="jianfu-build" {w=$4} END {print w}' "$WORK/results.txt")
  rm -rf "$WORK/out-fig"
  measure "$size jianfu-figures" "$WORK/$size.jfig" "$BIN" --quiet build "$dir" --out "$WORK/out-fig" --figures-only --max-table-mb 4096
  jf_wall=$(awk -v s="$size" '$1==s && $2=="jianfu-figures" {w=$3} END {print w}' "$WORK/results.txt")

  if measure "$size duckdb-figures" "$WORK/$size.duckdb" python3 bench/peer_duckdb.py "$dir"; then
    python3 bench/check_figures.py "$metrics" "$WORK/$size.duckdb.out" "duckdb"
    d_wall=$(awk -v s="$size" '$1==s && $2=="duckdb-figures" {w=$3} END {print w}' "$WORK/results.txt")
    echo "    figures alone: jianfu ${jf_wall}s vs DuckDB ${d_wall}s → jianfu/DuckDB = $(ratio "$jf_wall" "$d_wall")"
  fi
  if [ "$size" = province ]; then
    echo "    pandas peer skipped at the province size (it needs about 3× the memory it takes at large)"
  elif [ "$size" != large ] || [ "${PEERS_LARGE:-0}" = 1 ]; then
    if measure "$size pandas-report" "$WORK/$size.pandas" python3 bench/peer_pandas.py "$dir" "$WORK/out-pandas-$size"; then
      python3 bench/check_figures.py "$metrics" "$WORK/$size.pandas.out" "pandas"
      p_wall=$(awk -v s="$size" '$1==s && $2=="pandas-report" {w=$3} END {print w}' "$WORK/results.txt")
      p_peak=$(awk -v s="$size" '$1==s && $2=="pandas-report" {w=$4} END {print w}' "$WORK/results.txt")
      grep '^timings' "$WORK/$size.pandas.err" | sed 's/^/    pandas /' || true
      echo "    full report: pandas ${p_wall}s / jianfu ${j_wall}s = $(ratio "$p_wall" "$j_wall")× faster; peak memory pandas ${p_peak} MiB, jianfu ${j_peak} MiB (inputs ${input_mib} MiB)"
    fi
  else
    echo "    pandas peer skipped at the large size (PEERS_LARGE=1 to run it)"
  fi
done
