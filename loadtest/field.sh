#!/usr/bin/env bash
# The field on loopback, against a release build on the same 2 cores: clients that hang
# up, a flood of the slowest request, 1,000 sign-ins at once. Prints what the server's
# /metrics and /proc say afterwards. Usage: loadtest/field.sh [seconds per flood, default 10]
seconds=${1:-10}
port=18090
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
echo "the right password" | ./target/release/jalsa staff --data-dir "$data" add field
env ${JALSA_ENV:-} ./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data" --rate-limit 0 \
  --login-limit 100000 >"$data/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

depth() { curl -s "$base/metrics" | awk '/^jalsa_render_queue_depth / {print $2}'; }
rss() { awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$server/status"; echo; }

echo "== 40 previews (2048 px PNG) cut off by the client after 0.3 s"
pids=()
for i in $(seq 40); do
  curl -s -o /dev/null --max-time 0.3 "$base/preview/hubble.png?width=2048&text=drop$i" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
sleep 3
echo "queue depth afterwards: $(depth)"

echo "== wrk -c64 -d3s of previews, then idle"
wrk -t2 -c64 -d3s "$base/preview/hubble.jpg?text=wrk" >/dev/null || true
sleep 3
echo "queue depth afterwards: $(depth)"

echo "== wrk -c256 -d${seconds}s of 2048 px PNG previews"
cat >"$data/statuses.lua" <<'LUA'
-- Each wrk thread counts its own answers; done() adds them up.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} retry = 0 end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 503 and (headers["retry-after"] or headers["Retry-After"]) then retry = retry + 1 end
end
function done(summary, latency, requests)
  local total, with_retry = {}, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do total[s] = (total[s] or 0) + n end
    with_retry = with_retry + t:get("retry")
  end
  for s, n in pairs(total) do io.write(string.format("status %d: %d\n", s, n)) end
  io.write(string.format("503 with Retry-After: %d\n", with_retry))
end
LUA
wrk --latency -t2 -c256 -d"${seconds}s" -s "$data/statuses.lua" "$base/preview/hubble.png?width=2048&text=flood" 2>&1 \
  | grep -E "Requests/sec|status|Retry|50%|99%" || true
sleep 3
curl -s "$base/metrics" | grep -E '^jalsa_render_wait_seconds_(bucket\{le="(1.024|2.048|4.096|\+Inf)"\}|count)|^jalsa_overload_refusals_total'
echo "queue depth afterwards: $(depth)"
rss

echo "== 1000 sign-ins at once (wrong password, each checked)"
python3 - "$port" <<'PY'
import sys, http.client, concurrent.futures, collections
port = int(sys.argv[1])
def one(i):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = f"name=field&password=guess{i}&csrf=abc"
    c.request("POST", "/staff/login", body, {"Content-Type": "application/x-www-form-urlencoded",
              "Cookie": "jalsa_login_csrf=abc"})
    return c.getresponse().status
with concurrent.futures.ThreadPoolExecutor(1000) as pool:
    print(collections.Counter(pool.map(one, range(1000))))
PY
rss
echo "overload lines in the log: $(grep -c 'render queue full' "$data/log" || true); log size $(stat -c %s "$data/log") bytes"
