# Sourced by the browser benchmarks (lighthouse.sh, phone.sh): a release build serving on
# loopback at $base (port $PORT, else $port) from a scratch data folder, with one featured
# remix ($id), as a campaign's home page has; stopped and its data removed at exit.
cargo build --release -q
jalsa=${CARGO_TARGET_DIR:-target}/release/jalsa
data=$(mktemp -d)
port=${PORT:-$port}
base="http://127.0.0.1:$port"
export JALSA_DATA_DIR="$data" JALSA_LISTEN="127.0.0.1:$port" JALSA_PUBLIC_URL="$base"
echo "a long enough password" | "$jalsa" staff add bench >/dev/null
token=$("$jalsa" staff token bench | tail -n1)
"$jalsa" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.2; done

id=$(curl -sf -X POST "$base/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"hubble","captions":["Hope is priceless","ووٹ ضرور ڈالیں"]}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X POST "$base/api/staff/remixes/$id/status" \
  -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"status":"featured"}'
