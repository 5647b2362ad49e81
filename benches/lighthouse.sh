#!/usr/bin/env bash
# Lighthouse (mobile, its default: a mid-range phone on a slow 4G link, simulated) on the
# five pages supporters land on (home, a photo's form, a frame's form, a share page, the
# gallery), in Urdu and in English, against a release build on
# loopback holding one featured remix. Prints the four category scores per page and what
# the home page moves with an empty cache; the reports land in target/lighthouse/.
#
#   bash benches/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."

npm_prefix="$HOME/.cache/jalsa-npm"
if [ ! -x "$npm_prefix/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$npm_prefix"
  npm install --prefix "$npm_prefix" --no-audit --no-fund --silent lighthouse@12.8
fi
lighthouse="$npm_prefix/node_modules/.bin/lighthouse"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

port=8191
source benches/node.sh

out=target/lighthouse
mkdir -p "$out"
printf '| page | language | performance | accessibility | best practices | SEO | bytes moved |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for lang in ur en; do
  for page in / /t/hubble /f/jalsa-badge "/m/$id" /gallery; do
    name=$(echo "$page" | tr '/' '_' | cut -c1-12)
    report="$out/${name:-_}-$lang.json"
    "$lighthouse" "$base$page?lang=$lang" --quiet --output=json --output-path="$report" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage" >/dev/null 2>&1
    python3 - "$report" "$page" "$lang" "$id" <<'EOF'
import json, sys
report, page, lang, remix = sys.argv[1:]
r = json.load(open(report))
c = r["categories"]
score = lambda k: round(c[k]["score"] * 100)
moved = r["audits"]["total-byte-weight"]["numericValue"]
failed = [a["id"] for a in r["audits"].values()
          if a.get("score") is not None and a["score"] < 0.9 and a["scoreDisplayMode"] == "binary"]
page = page.replace(remix, "{id}")
print(f"| `{page}` | {lang} | {score('performance')} | {score('accessibility')} | "
      f"{score('best-practices')} | {score('seo')} | {moved / 1000:.0f} KB |"
      + (f" failed: {', '.join(failed)}" if failed else ""))
EOF
  done
done
