#!/usr/bin/env bash
# The nowcast backtest (docs/nowcast.md): the job's accumulator and click delay model replayed over
# recorded streams at simulated event times, the raw EARLY CTR and the nowcast compared with each
# window's final CTR at 25, 50, 75 and 100 % of its life and at window end + attribution window.
#
#   deploy/backtest.sh               # both streams below
#   deploy/backtest.sh synthetic     # the producer's synthetic stream with iPinYou-like click delays
#                                    # (lognormal, median 21 s, p90 335 s), 2 h recorded to run/backtest/,
#                                    # 1 min windows, 30 min attribution, CTR per campaign
#   deploy/backtest.sh avazu         # the Avazu sample, 1 min windows, 15 s attribution, all campaigns pooled
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(pwd)/../shared/data"
which=${1:-both}
case "$which" in synthetic|avazu|both) ;; *) echo "usage: deploy/backtest.sh [synthetic|avazu|both]" >&2; exit 2 ;; esac

say() { printf 'ctrstream: %s\n' "$*"; }
say "building"
deploy/classpath.sh tools,producer
backtest=(java -Xmx6g -cp "tools/target/classes:$(cat tools/target/classpath.txt)" io.ctrstream.tools.backtest.NowcastBacktest)

if [ "$which" != avazu ]; then
  dir=run/backtest/synthetic-ipinyou-delays
  # sigma of the log delay for p90 = 335 s at median 21 s: ln(335/21) / 1.2816 = 2.16
  gen=(generate --seed 42 --start 2024-03-01T00:00:00Z --duration 2h --rate 1000 --campaigns 20
       --click-delay-median 21s --click-delay-sigma 2.16 --click-delay-max 30m)
  if [ ! -f "$dir/clicks.jsonl.gz" ] || [ "$(cat "$dir/settings" 2>/dev/null)" != "${gen[*]}" ]; then
    say "recording the synthetic stream to $dir"
    rm -rf "$dir"
    java -Xmx1g -cp "producer/target/classes:$(cat producer/target/classpath.txt)" io.ctrstream.producer.ProducerCli \
      "${gen[@]}" --to-files "$dir"
    echo "${gen[*]}" > "$dir/settings"
  fi
  "${backtest[@]}" --impressionsFile="$dir/impressions.jsonl.gz" --clicksFile="$dir/clicks.jsonl.gz" \
    --windowSize=1m --attributionWindow=30m --keyBy=campaign --minImpressions=1000
fi
if [ "$which" != synthetic ]; then
  [ -f "$data/avazu-sample/impressions.jsonl.gz" ] || { echo "ctrstream: the shared samples are not at $data" >&2; exit 1; }
  "${backtest[@]}" --impressionsFile="$data/avazu-sample/impressions.jsonl.gz" \
    --clicksFile="$data/avazu-sample/clicks.jsonl.gz" --windowSize=1m --attributionWindow=15s --keyBy=all --minImpressions=100
fi
