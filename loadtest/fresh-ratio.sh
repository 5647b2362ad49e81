#!/usr/bin/env bash
# A fresh remix against libjpeg-turbo encoding the whole picture, side by side in one run
# (issue 15): hubble at 1200 px with two short captions.
#  - in process: `jalsa bench` (median per fresh remix on one core) over `tjbench`'s
#    in-process encode time of the same finished picture (4:2:0, quality 85);
#  - over HTTP: fresh remixes per second (wrk, distinct captions, loadtest/fresh.lua) times
#    that encode time, the release server and wrk sharing this machine's cores.
# Needs a release build, libjpeg-turbo-progs (tjbench, djpeg) and wrk.
# Usage: loadtest/fresh-ratio.sh [seconds of wrk, default 15]
set -euo pipefail
seconds=${1:-15}
port=18081
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"

./target/release/jalsa render --template hubble --width 1200 \
  --text "hope is priceless" --text "for everything else there is the ballot" \
  --output "$data/remix.jpg"
djpeg -ppm -outfile "$data/remix.ppm" "$data/remix.jpg"
pixels=$(head -c 20 "$data/remix.ppm" | awk 'NR==2 {print $1 * $2}')

# tjbench -quiet prints: format (two fields), subsampling, quality, width, height, compression
# Mpixels/s, ratio, decompression Mpixels/s.
turbo_ms() {
  tjbench "$data/remix.ppm" 85 -subsamp 420 -quiet -benchtime 3 -warmup 1 |
    awk -v px="$pixels" '$4 == 85 {printf "%.3f", px / ($7 * 1e6) * 1000}'
}
jalsa_ms() {
  ./target/release/jalsa bench --template hubble --width 1200 --count 600 |
    sed -E 's/.*"median_ms":([0-9.]+).*/\1/'
}

before=$(turbo_ms)
ours=$(jalsa_ms)
after=$(turbo_ms)
turbo=$(awk -v a="$before" -v b="$after" 'BEGIN {printf "%.3f", (a + b) / 2}')
echo "libjpeg-turbo encode, whole picture (tjbench, before and after): $before ms, $after ms"
echo "jalsa fresh remix, median (jalsa bench --count 600): $ours ms"
awk -v o="$ours" -v t="$turbo" 'BEGIN {printf "in process: fresh remix / libjpeg-turbo encode = %.2f (target at most 1.0)\n", o / t}'

./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data" --rate-limit 0 >"$data/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# Warm the template's encoding first, as a running server has.
curl -sf -X POST "http://127.0.0.1:$port/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"hubble","width":1200,"captions":["warm","up"]}' >/dev/null
rate=$(wrk -t2 -c"${CONNECTIONS:-8}" -d"${seconds}s" -s loadtest/fresh.lua "http://127.0.0.1:$port" |
  awk '/Requests\/sec/ {print $2}')
kill "$server"
echo "over HTTP: $rate fresh remixes/s (wrk -t2 -c${CONNECTIONS:-8}, ${seconds}s)"
awk -v r="$rate" -v t="$turbo" 'BEGIN {printf "over HTTP: remixes/s x libjpeg-turbo encode = %.2f (target at least 1.0)\n", r * t / 1000}'
