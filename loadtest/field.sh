#!/usr/bin/env bash
# The field on loopback, against a release build on the same 2 cores: clients that hang
# up, a flood of the slowest request, 1,000 sign-ins at once, hostile photos (a scan bomb,
# decoding bombs), a header flood, a slow-upload flood and cross-site image requests.
# Prints what the server's /metrics and /proc say afterwards.
# Usage: loadtest/field.sh [seconds per flood, default 10]
seconds=${1:-10}
port=18090
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
cargo build --release --example hostile >/dev/null 2>&1
./target/release/examples/hostile "$data/hostile" >/dev/null
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

echo "== hostile photos, each sent twice at once, while a supporter makes remixes"
for f in scan-bomb.jpg progressive-40mp.jpg profile-bomb.png deep-6300.png lossless-6300.webp; do
  for _ in 1 2; do
    curl -s -o "$data/$f.answer" -w "$f %{http_code} %{time_total}s\n" \
      -F "photo=@$data/hostile/$f" "$base/api/frames/jalsa-badge/pictures" &
  done
  sleep 0.2
  curl -s -o /dev/null -w "  a supporter's remix meanwhile: %{http_code} %{time_total}s\n" \
    -H 'Content-Type: application/json' -d "{\"template\":\"hubble\",\"captions\":[\"$f\",\"$RANDOM\"]}" \
    "$base/api/remixes"
  wait
  echo "  answer: $(head -c 200 "$data/$f.answer")"
done
rss

echo "== 2000 connections each holding 31 KB of unfinished header, then closed"
python3 - "$port" <<'PY'
import sys, socket, time
port = int(sys.argv[1])
socks = []
for i in range(2000):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 31_000)
    socks.append(s)
time.sleep(1)
print("held", len(socks))
for s in socks: s.close()
PY
rss
sleep 10
echo "10 s after they closed:"; rss
echo "one 40 KB header: $(curl -s -H "X-Pad: $(head -c 40000 /dev/zero | tr '\0' a)" "$base/api/templates" | head -c 160)"

echo "== 30 slow uploads of 20 MB (1 MB/s each), while a supporter makes remixes"
python3 - "$port" <<'PY'
import sys, socket, time, threading, http.client, json
port = int(sys.argv[1])
answers = []
def slow():
    s = socket.create_connection(("127.0.0.1", port))
    body = 20 * 1024 * 1024
    s.sendall(b"POST /api/frames/jalsa-badge/pictures HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n"
              b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n" % body)
    try:
        for _ in range(8):
            s.sendall(b"\xab" * (1 << 20)); time.sleep(1)
        s.settimeout(10)
        answers.append(s.recv(200).split(b"\r\n")[0].decode())
    except Exception as e:
        answers.append(type(e).__name__)
threads = [threading.Thread(target=slow) for _ in range(30)]
for t in threads: t.start()
time.sleep(3)
t0 = time.time()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.request("POST", "/api/remixes", json.dumps({"template": "hubble", "captions": ["slow", str(t0)]}),
          {"Content-Type": "application/json"})
print("a supporter's remix during the flood:", c.getresponse().status, "%.2fs" % (time.time() - t0))
for t in threads: t.join()
import collections; print(collections.Counter(answers))
PY
rss
sleep 5; echo "5 s later:"; rss

echo "== an <img> on another site asking for a new remix, and for one made before"
curl -s -o /dev/null -w "new, cross-site: %{http_code}\n" -H "Sec-Fetch-Site: cross-site" -H "Sec-Fetch-Dest: image" \
  "$base/render/hubble/not_made/from_elsewhere_$RANDOM.jpg"
curl -s -o /dev/null -w "made here first: %{http_code}\n" "$base/render/hubble/made/here.jpg"
curl -s -o /dev/null -w "then cross-site: %{http_code}\n" -H "Sec-Fetch-Site: cross-site" -H "Sec-Fetch-Dest: image" \
  "$base/render/hubble/made/here.jpg"

