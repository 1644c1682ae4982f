#!/usr/bin/env bash
# Stops a job on the Flink session cluster, either at once (cancel) or with a savepoint, so that the
# same or a newer job jar can go on from exactly there (deploy/submit.sh --fromSavepoint=PATH).
#
#   deploy/stop.sh                       # the one running job: cancel
#   deploy/stop.sh --savepoint           # the one running job: stop with a savepoint; prints its path
#   deploy/stop.sh --savepoint JOB_ID    # a given job
#   deploy/stop.sh --savepoint --drain   # first fire every window as final and let the join forget
#                                        # everything (for an upgrade whose state does not carry over)
#
# The savepoint goes to the cluster's state.savepoints.dir (deploy/stack.sh sets it under the run
# directory). The last line printed is the savepoint's path; the job is then FINISHED.
# Environment: FLINK_REST (default localhost:8081), SAVEPOINT_TIMEOUT (seconds, default 300).
set -euo pipefail
rest=http://${FLINK_REST:-localhost:${FLINK_REST_PORT:-8081}}
savepoint=0 drain=false job=""
for arg in "$@"; do
  case "$arg" in
    --savepoint) savepoint=1 ;;
    --drain) drain=true ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "stop: unknown option $arg (expected --savepoint [--drain] [JOB_ID])" >&2; exit 2 ;;
    *) job=$arg ;;
  esac
done
say() { printf 'stop: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
[ "$drain" = false ] || [ "$savepoint" = 1 ] || die "--drain goes with --savepoint"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

overview=$(curl -fs --max-time 10 "$rest/jobs/overview") || die "no Flink REST API at $rest (is the cluster up? deploy/stack.sh up)"
if [ -z "$job" ]; then
  running=$(echo "$overview" | json "' '.join(j['jid'] for j in d['jobs'] if j['state']=='RUNNING')")
  case $(echo "$running" | wc -w) in
    0) die "no running job at $rest" ;;
    1) job=$running ;;
    *) die "several running jobs at $rest ($running): name one" ;;
  esac
fi

if [ "$savepoint" = 0 ]; then
  curl -fsS --max-time 10 -X PATCH "$rest/jobs/$job?mode=cancel" >/dev/null || die "could not cancel job $job"
  say "cancelled job $job"
  exit 0
fi

# POST /jobs/<id>/stop: a savepoint, then the sources stop and the job finishes ("drain": false keeps
# the windows open, so the next job goes on with them instead of firing them early; true advances
# the watermark to the end of time first)
trigger=$(curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' -d "{\"drain\": $drain}" \
  "$rest/jobs/$job/stop" | json "d['request-id']") || die "could not stop job $job with a savepoint"
say "stopping job $job with a savepoint (trigger $trigger)"
deadline=$((SECONDS + ${SAVEPOINT_TIMEOUT:-300}))
while :; do
  status=$(curl -fsS --max-time 10 "$rest/jobs/$job/savepoints/$trigger")
  case $(echo "$status" | json "d['status']['id']") in
    COMPLETED)
      location=$(echo "$status" | json "d['operation'].get('location') or ''")
      [ -n "$location" ] || die "the savepoint failed: $(echo "$status" | json "d['operation'].get('failure-cause',{}).get('stack-trace','?').splitlines()[0]")"
      say "savepoint written; resume with: deploy/submit.sh --fromSavepoint=$location <the same flags>"
      echo "$location"
      exit 0 ;;
  esac
  [ $SECONDS -lt $deadline ] || die "the savepoint did not complete within ${SAVEPOINT_TIMEOUT:-300} s"
  sleep 1
done
