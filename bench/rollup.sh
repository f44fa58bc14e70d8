#!/bin/sh
# 层层汇总 at scale: N synthetic counties, each built where its data lives (here: one after
# another), then one roll-up reading only their figures. Prints the wall time of each step.
#   bench/rollup.sh [N=100] [WORK=/tmp/jianfu-rollup]
set -eu
N=${1:-100}
WORK=${2:-/tmp/jianfu-rollup}
JIANFU=${JIANFU:-${CARGO_TARGET_DIR:-target}/release/jianfu}
rm -rf "$WORK"
mkdir -p "$WORK/data" "$WORK/output"
now() { date +%s.%N; }
t0=$(now)
i=1
while [ "$i" -le "$N" ]; do
    c=$(printf 'county%03d' "$i")
    "$JIANFU" --quiet synth "$WORK/data/$c" --groups 400 --accounts 80 --members-per-group 20 --seed "$i" >/dev/null
    i=$((i + 1))
done
t1=$(now)
"$JIANFU" --quiet build "$WORK"/data/county* --out "$WORK/output" ${FIGURES_ONLY:+--figures-only} >/dev/null
t2=$(now)
echo "synth  $N counties: $(echo "$t1 - $t0" | bc) s"
echo "build  $N counties: $(echo "$t2 - $t1" | bc) s"
# The roll-up, three times from scratch (a second run on unchanged parts rewrites nothing).
for run in 1 2 3; do
    rm -rf "$WORK/province"
    s=$(now)
    /usr/bin/time -f "rollup peak %M KB" "$JIANFU" --quiet rollup "$WORK"/output/county* \
        --out "$WORK/province" --name 合成省工作群和政务新媒体清理整治 --region 合成省 --timings >/dev/null
    e=$(now)
    echo "rollup $N counties (run $run): $(echo "$e - $s" | bc) s"
done
