#!/usr/bin/env bash
# Two or more builds of jalsa side by side with libjpeg-turbo, alternated round by round so
# that a machine whose speed drifts (shared cores, throttling) treats them alike: each round
# runs tjbench on the same finished picture, then `jalsa bench` with each binary in turn.
# Prints each one's median and range, and each build's median over libjpeg-turbo's (the
# in-process ratio of issue 15). Single runs on a shared machine wander by up to 20%: use
# at least five rounds, and trust a difference only where it holds in most rounds.
# Needs libjpeg-turbo-progs (tjbench, djpeg); run from anywhere.
# Usage: loadtest/ab.sh ROUNDS BINARY... (e.g. copies of target/release/jalsa from two commits)
# TEMPLATE=rocket loadtest/ab.sh ... measures another bundled photo (default hubble, the
# issue's): libjpeg-turbo's time grows with the picture's area, a fresh remix's mostly with
# its captions, so smaller photos give higher ratios.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROUNDS BINARY..." >&2; exit 2; }
rounds=$1
shift
for bin in "$@"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }; done
cd "$(dirname "$0")/.."
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

template=${TEMPLATE:-hubble}
"$1" render --template "$template" --width 1200 \
  --text "hope is priceless" --text "for everything else there is the ballot" \
  --output "$data/remix.jpg"
djpeg -ppm -outfile "$data/remix.ppm" "$data/remix.jpg"
pixels=$(head -c 20 "$data/remix.ppm" | awk 'NR==2 {print $1 * $2}')

for _ in $(seq "$rounds"); do
  tjbench "$data/remix.ppm" 85 -subsamp 420 -quiet -benchtime 2 -warmup 1 |
    awk -v px="$pixels" '$4 == 85 {printf "libjpeg-turbo %.3f\n", px / ($7 * 1e6) * 1000}'
  for i in $(seq $#); do
    bin=${!i}
    ms=$("$bin" bench --template "$template" --width 1200 --count 400 |
      sed -E 's/.*"median_ms":([0-9.]+).*/\1/')
    echo "$i:$bin $ms"
  done
done | sort -s -k1,1 | awk '
  function report(name,   n, i, j, t, median) {
    n = count[name]
    for (i = 1; i <= n; i++) v[i] = all[name, i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    median = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    return sprintf("%.3f %.3f %.3f", median, v[1], v[n])
  }
  { count[$1]++; all[$1, count[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 } }
  END {
    split(report("libjpeg-turbo"), turbo, " ")
    printf "%-40s median %s ms (%s-%s)\n", "libjpeg-turbo, whole picture", turbo[1], turbo[2], turbo[3]
    for (k = 1; k <= names; k++) {
      if (order[k] == "libjpeg-turbo") continue
      split(report(order[k]), r, " ")
      printf "%-40s median %s ms (%s-%s), ratio %.2f\n", order[k], r[1], r[2], r[3], r[1] / turbo[1]
    }
  }'
