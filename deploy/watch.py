"""A refreshing terminal table of per-campaign CTR read from Redis (the layout the pipeline writes).

  python3 deploy/watch.py [--port 6379] [--prefix ctr] [--every 2] [--limit 15] [--status-file F]... [--once]

Per campaign: its newest window (often an EARLY, speculative pane), and its newest complete window
(ctr:latest) with the change against the one before (ctr:previous). Reads Redis with redis-cli.
"""
import argparse
import json
import subprocess
import sys
import time


def redis(port, *args):
    out = subprocess.run(["redis-cli", "-p", str(port), "--raw", *args], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def hash_of(lines):
    return dict(zip(lines[0::2], lines[1::2]))


def table(port, prefix, limit):
    campaigns = redis(port, "smembers", prefix + ":campaigns")
    latest = {k: json.loads(v) for k, v in hash_of(redis(port, "hgetall", prefix + ":latest")).items()}
    previous = {k: json.loads(v) for k, v in hash_of(redis(port, "hgetall", prefix + ":previous")).items()}
    rows = []
    for c in campaigns:
        newest = redis(port, "zrevrange", "%s:campaign:%s:windows" % (prefix, c), "0", "0")
        if not newest:
            continue
        w = hash_of(redis(port, "hgetall", "%s:campaign:%s:window:%s" % (prefix, c, newest[0])))
        if w:
            rows.append((c, w, latest.get(c), previous.get(c)))
    rows.sort(key=lambda r: -int(r[1]["impressions"]))
    lines = ["%-10s | %-8s %-7s %6s %6s %7s | %-8s %6s %6s %7s %8s" % (
        "campaign", "newest", "pane", "impr", "clicks", "ctr", "complete", "impr", "clicks", "ctr", "vs prev")]
    lines.append("-" * len(lines[0]))
    for c, w, l, p in rows[:limit]:
        newest = "%-8s %-7s %6s %6s %7.4f" % (
            w["window_start_iso"][11:19], w["timing"], w["impressions"], w["clicks"], float(w["ctr"]))
        if l:
            change = "" if not p or p["ctr"] == 0 else "%+7.1f%%" % (100 * (l["ctr"] - p["ctr"]) / p["ctr"])
            complete = "%-8s %6d %6d %7.4f %8s" % (l["window_start_iso"][11:19], l["impressions"], l["clicks"], l["ctr"], change)
        else:
            complete = "%-8s" % "(none yet)"
        lines.append("%-10s | %s | %s" % (c, newest, complete))
    lines.append("(%d campaigns; times are UTC window starts)" % len(rows))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=6379)
    ap.add_argument("--prefix", default="ctr")
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--limit", type=int, default=15)
    ap.add_argument("--status-file", action="append", default=[], help="show the last line of this log file")
    ap.add_argument("--once", action="store_true", help="print the table once and exit")
    args = ap.parse_args()
    if args.once:
        print("\n".join(table(args.port, args.prefix, args.limit)))
        return
    try:
        while True:
            status = []
            for f in args.status_file:
                try:
                    with open(f) as fh:
                        last = [line.rstrip() for line in fh if line.strip()]
                    status.append(last[-1][:150] if last else f + ": (nothing yet)")
                except OSError:
                    status.append(f + ": (not there yet)")
            try:
                body = table(args.port, args.prefix, args.limit)
            except subprocess.CalledProcessError as e:
                body = ["Redis on port %d did not answer: %s" % (args.port, e.stderr.strip())]
            sys.stdout.write("\033[H\033[2J" + "ctrstream live CTR  " + time.strftime("%H:%M:%S") + "\n"
                             + "\n".join(status + [""] + body) + "\n")
            sys.stdout.flush()
            time.sleep(args.every)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
