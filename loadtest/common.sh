# Sourced by the load tests: a scratch data folder removed at exit (with the server the
# script starts as $server), the base URL for $port, and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
base="http://127.0.0.1:$port"
data=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
cargo build --release --quiet
