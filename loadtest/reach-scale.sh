#!/usr/bin/env bash
# The dashboard and /api/staff/reach at a campaign's size: `jalsa fill-reach` makes a
# million remixes and a year of their hourly reach, then each page and query is asked for
# ten times against a release build and its median and slowest printed (ms).
# SQLite by default; with a postgres:// URL as the second argument, in a scratch schema.
# Usage: loadtest/reach-scale.sh [remixes, default 1000000] [postgres://... to use PostgreSQL]
remixes=${1:-1000000}
pg=${2:-}
port=18095
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
args=(--data-dir "$data")
if [ -n "$pg" ]; then
  schema="jalsa_reach_$(date +%s)"
  psql -q "$pg" -c "CREATE SCHEMA $schema"
  args+=(--database "$pg?options=-c%20search_path%3D$schema")
  trap 'kill $server 2>/dev/null || true; PGOPTIONS="-c client_min_messages=warning" psql -q "$pg" -c "DROP SCHEMA $schema CASCADE" || true; rm -rf "$data"' EXIT
fi
echo "filling: $remixes remixes, 365 days"
/usr/bin/time -f "fill-reach: %e s, peak %M KB" ./target/release/jalsa "${args[@]}" fill-reach --remixes "$remixes"
echo bench-password | ./target/release/jalsa "${args[@]}" staff add bench >/dev/null
token=$(./target/release/jalsa "${args[@]}" staff token bench | tail -1)
./target/release/jalsa "${args[@]}" serve --listen 127.0.0.1:$port --rate-limit 0 >>"$data/log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
# A staff session for the pages.
jar="$data/cookies"
csrf=$(curl -s -c "$jar" "$base/staff/login" | sed -nE 's/.*name="csrf" value="([^"]+)".*/\1/p' | head -1)
curl -s -o /dev/null -b "$jar" -c "$jar" -d "name=bench&password=bench-password&csrf=$csrf" "$base/staff/login"
remix=$(curl -s "$base/api/gallery?limit=1" | grep -oE '"id":"[0-9a-f]{16}"' | head -1 | cut -d'"' -f4 || true)
year_ago=$(date -u -d '365 days ago' +%Y-%m-%dT%H:30:00Z)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
time_it() { # name, then curl arguments
  local name=$1; shift
  local times=() code
  for _ in $(seq 10); do
    read -r code t < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$@")
    [ "$code" = 200 ] || { echo "$name: HTTP $code" >&2; exit 1; }
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" \
    '{a[NR]=$1} END {printf "%-46s median %6.1f ms, slowest %6.1f ms\n", name, a[int((NR+1)/2)]*1000, a[NR]*1000}'
}
for days in 1 7 30 365; do
  time_it "GET /staff/reach?days=$days" -b "$jar" "$base/staff/reach?days=$days"
done
time_it "GET /staff/reach/areas.csv?days=365" -b "$jar" "$base/staff/reach/areas.csv?days=365"
bearer=(-H "Authorization: Bearer $token")
time_it "GET /api/staff/reach (7 days)" "${bearer[@]}" "$base/api/staff/reach"
time_it "GET /api/staff/reach (a year, odd hours)" "${bearer[@]}" "$base/api/staff/reach?from=$year_ago&to=$now"
if [ -n "$remix" ]; then
  time_it "GET /api/staff/reach?remix= (a year)" "${bearer[@]}" "$base/api/staff/reach?remix=$remix&from=$year_ago"
  time_it "GET /staff/reach?days=365&remix=" -b "$jar" "$base/staff/reach?days=365&remix=$remix"
fi
