#!/usr/bin/env bash
# Supporters sending 12-megapixel phone photos to a frame at once, on loopback against a
# release build on the same 2 cores: how long each waits, what the server answers, and its
# peak resident memory. Usage: loadtest/frames.sh [concurrent uploads, default 8] [rounds, default 3]
uploads=${1:-8}
rounds=${2:-3}
port=18093
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
./target/release/jalsa bench --frame --count 1 --write-photo "$data/phone.jpg" >/dev/null
echo "photo: $(stat -c %s "$data/phone.jpg") bytes, $(file -b "$data/phone.jpg" | grep -o '[0-9]*x[0-9]*' | tail -1)"
env ${JALSA_ENV:-} ./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data" \
  --upload-limit 0 >"$data/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
awk '/VmRSS/ {print "resident before: " $2 " " $3}' "/proc/$server/status"
for round in $(seq "$rounds"); do
  pids=()
  for i in $(seq "$uploads"); do
    # A different crop each time, so every upload is a new picture.
    crop="{\"x\":0.0$round,\"y\":0.0$i,\"width\":0.6,\"height\":0.8}"
    curl -s -o "$data/answer-$round-$i" -w "%{http_code} %{time_total}\n" \
      -F "photo=@$data/phone.jpg;type=image/jpeg" -F "crop=$crop" \
      "$base/api/frames/jalsa-badge/pictures" >"$data/status-$round-$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  echo "round $round: $(cat "$data"/status-"$round"-* | sort | awk '{c[$1]++; t=$2} END {for (k in c) printf "%s x%d  ", k, c[k]; printf "slowest %.2f s", t}')"
done
awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3} END {print ""}' "/proc/$server/status"
