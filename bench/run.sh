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
# PEERS_LARGE=1 to run the pandas peer at the large size too, PEER_TIMEOUT (s, default 1800),
# REPEAT (runs of each full report, default 5 at the small size and 1 at the others).
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
  LAST_WALL=$wall LAST_PEAK=$peak
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

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
  pandas=0
  if [ "$size" = province ]; then
    echo "    pandas peer skipped at the province size (it needs about 3× the memory it takes at large)"
  elif [ "$size" != large ] || [ "${PEERS_LARGE:-0}" = 1 ]; then
    pandas=1
  else
    echo "    pandas peer skipped at the large size (PEERS_LARGE=1 to run it)"
  fi
  # The full report, jianfu's and the pandas peer's, REPEAT times each (default 5 at the
  # small size, where a run takes a second and the host's spread is widest, else 1),
  # interleaved so that both meet the host in the same state, and after one unmeasured run
  # of each (the page cache, Python's imports). Their medians are compared.
  repeat=${REPEAT:-$([ "$size" = small ] && echo 5 || echo 1)}
  if [ "$repeat" -gt 1 ]; then
    rm -rf "$out"
    "$BIN" --quiet build "$dir" --out "$out" --max-table-mb 4096 >/dev/null
    if [ "$pandas" = 1 ]; then
      python3 bench/peer_pandas.py "$dir" "$WORK/out-pandas-$size" >/dev/null 2>&1
    fi
  fi
  j_walls=() j_peaks=() p_walls=() p_peaks=() ratios=()
  for _ in $(seq "$repeat"); do
    rm -rf "$out"
    # A province's members table passes the default 512 MiB table limit.
    measure "$size jianfu-build" "$WORK/$size.jianfu" "$BIN" --quiet build "$dir" --out "$out" --timings --max-table-mb 4096
    j_walls+=("$LAST_WALL") j_peaks+=("$LAST_PEAK")
    grep '^timing' "$WORK/$size.jianfu.err" | tr -s ' ' | tr '\n' ' ' | sed 's/^/    /; s/timing //g; s/$/\n/'
    metrics=$(ls "$out"/*/*/metrics.json)
    if [ "$pandas" = 1 ]; then
      if measure "$size pandas-report" "$WORK/$size.pandas" python3 bench/peer_pandas.py "$dir" "$WORK/out-pandas-$size"; then
        python3 bench/check_figures.py "$metrics" "$WORK/$size.pandas.out" "pandas"
        grep '^timings' "$WORK/$size.pandas.err" | sed 's/^/    pandas /' || true
        p_walls+=("$LAST_WALL") p_peaks+=("$LAST_PEAK") ratios+=("$(ratio "$LAST_WALL" "${j_walls[-1]}")×")
      fi
    fi
  done
  j_wall=$(median "${j_walls[@]}") j_peak=$(median "${j_peaks[@]}")
  echo "    jianfu: median wall ${j_wall}s of ${repeat}, peak memory ${j_peak} MiB = $(ratio "$j_peak" "$input_mib")× the inputs"
  if [ ${#p_walls[@]} -gt 0 ]; then
    p_wall=$(median "${p_walls[@]}") p_peak=$(median "${p_peaks[@]}")
    echo "    full report: pandas ${p_wall}s / jianfu ${j_wall}s = $(ratio "$p_wall" "$j_wall")× faster (medians; run by run: ${ratios[*]}); peak memory pandas ${p_peak} MiB, jianfu ${j_peak} MiB (inputs ${input_mib} MiB)"
  fi
  rm -rf "$WORK/out-fig"
  measure "$size jianfu-figures" "$WORK/$size.jfig" "$BIN" --quiet build "$dir" --out "$WORK/out-fig" --figures-only --max-table-mb 4096
  jf_wall=$LAST_WALL
  if measure "$size duckdb-figures" "$WORK/$size.duckdb" python3 bench/peer_duckdb.py "$dir"; then
    python3 bench/check_figures.py "$metrics" "$WORK/$size.duckdb.out" "duckdb"
    echo "    figures alone: jianfu ${jf_wall}s vs DuckDB ${LAST_WALL}s → jianfu/DuckDB = $(ratio "$jf_wall" "$LAST_WALL")"
  fi
done
