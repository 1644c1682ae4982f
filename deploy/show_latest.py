"""Prints the newest complete window per campaign from a dump of the Redis hash ctr:latest.

Input (stdin): the output of `redis-cli --raw hgetall ctr:latest` (field and value lines alternate).
"""
import json
import sys

lines = sys.stdin.read().splitlines()
rows = sorted((json.loads(v) for v in lines[1::2]), key=lambda r: (-r["impressions"], r["key"]))
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 15
header = ("campaign", "window start (UTC)", "impressions", "clicks", "ctr", "pane")
print("%10s %24s %11s %7s %8s %8s" % header)
for r in rows[:limit]:
    print("%10s %24s %11d %7d %8.4f %8s" % (
        r["key"], r["window_start_iso"], r["impressions"], r["clicks"], r["ctr"], r["timing"]))
print("(%d campaigns, %d shown)" % (len(rows), min(limit, len(rows))))
