#!/usr/bin/env bash
# What counting reach costs: picture GETs and share-page GETs (by a phone's browser, so
# every one is counted) against a release build with counting off, then on, in one run,
# wrk on the same 2 cores. Prints requests per second and the ratio on/off.
# Usage: loadtest/reach.sh [seconds per test, default 10] [rounds, default 3]
seconds=${1:-10}
rounds=${2:-3}
port=18094
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
phone='Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36'
start() {
  ./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data" --rate-limit 0 \
    --count-reach "$1" >>"$data/log" 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }
rps() {
  wrk -t2 -c"${CONNECTIONS:-32}" -d"${seconds}s" -H "User-Agent: $phone" "$1" \
    | awk '/Requests\/sec/ {print $2}'
}
start true
curl -s -X POST "$base/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"astronaut","captions":["hope is priceless","for everything else there is the ballot"]}' >"$data/one.json"
id=$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' "$data/one.json")
stop
declare -A total
for round in $(seq "$rounds"); do
  for counting in false true; do
    start "$counting"
    for what in "i/$id.jpg" "m/$id"; do
      r=$(rps "$base/$what")
      total[$counting,$what]=$(echo "${total[$counting,$what]:-0} + $r" | bc)
      echo "round $round, counting $counting, GET /$what: $r requests/s"
    done
    stop
  done
done
for what in "i/$id.jpg" "m/$id"; do
  off=$(echo "${total[false,$what]} / $rounds" | bc -l)
  on=$(echo "${total[true,$what]} / $rounds" | bc -l)
  printf "GET /%s: off %.0f/s, on %.0f/s, on/off %.3f\n" "$what" "$off" "$on" "$(echo "$on / $off" | bc -l)"
done
