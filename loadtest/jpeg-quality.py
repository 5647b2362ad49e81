#!/usr/bin/env python3
"""Bytes and SSIMULACRA2 of jalsa's JPEGs against libjpeg-turbo's `cjpeg -quality 85`.

For each bundled template (photos, not frames) at 512, 1200 and 2048 px, with each of two
caption sets (white Latin in the default style; yellow Urdu with a flag emoji and Latin on a
dark outline), the PNG of the same request is the reference; jalsa's JPEG and cjpeg's encode
of that PNG are scored against it with the ssimulacra2 package (pip install ssimulacra2
pillow). Prints one Markdown table, then the byte ratio and the largest single one for each
caption set and over all of them.
Usage: python3 loadtest/jpeg-quality.py [path to a release jalsa binary]
"""
import os
import subprocess
import sys
import tempfile

import ssimulacra2
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JALSA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/jalsa")
CAPTION_SETS = {
    "white": ["Hope is priceless", "for everything else there is the ballot"],
    "yellow": ["--color", "yellow", "--outline", "#102030",
               "پاکستان زندہ باد 🇵🇰", "Naya Pakistan 2026!"],
}
WIDTHS = [512, 1200, 2048]


def templates():
    out = subprocess.run([JALSA, "--templates", f"{ROOT}/templates", "templates"],
                         capture_output=True, text=True, check=True).stdout
    ids = [line.split()[0] for line in out.splitlines()[1:] if line.strip()]
    photos = []
    for t in ids:
        spec = open(f"{ROOT}/templates/{t}/template.toml").read() if os.path.exists(
            f"{ROOT}/templates/{t}/template.toml") else ""
        if "\nframe = true" not in "\n" + spec:
            photos.append(t)
    return photos


def render(template, width, captions, path):
    args = [JALSA, "--templates", f"{ROOT}/templates", "render", "--template", template,
            "--width", str(width), "-o", path]
    words = iter(captions)
    for c in words:
        args += [c, next(words)] if c.startswith("--") else ["--text", c]
    subprocess.run(args, capture_output=True, check=True)


def main():
    rows, totals = [], {}
    with tempfile.TemporaryDirectory() as d:
        for name, captions in CAPTION_SETS.items():
            for t in templates():
                for w in WIDTHS:
                    png, jpg, ppm, turbo = (f"{d}/{t}-{w}.{e}" for e in ("png", "jpg", "ppm", "turbo.jpg"))
                    render(t, w, captions, png)
                    render(t, w, captions, jpg)
                    Image.open(png).convert("RGB").save(ppm)
                    with open(turbo, "wb") as out:
                        subprocess.run(["cjpeg", "-quality", "85", ppm], stdout=out, check=True)
                    sj, st = (ssimulacra2.compute_ssimulacra2(png, f) for f in (jpg, turbo))
                    bj, bt = os.path.getsize(jpg), os.path.getsize(turbo)
                    for key in (name, "all"):
                        j, tt, largest, worst = totals.get(key, (0, 0, 0.0, 99.0))
                        totals[key] = (j + bj, tt + bt, max(largest, bj / bt), min(worst, sj - st))
                    rows.append(f"| {name} | {t} | {w} | {bj / 1000:.1f} KB, {sj:.2f} "
                                f"| {bt / 1000:.1f} KB, {st:.2f} | {bj / bt:.3f} | {sj - st:+.2f} |")
    print("| captions | template | width | jalsa q85 | libjpeg-turbo q85 | bytes jalsa/turbo "
          "| SSIMULACRA2 jalsa-turbo |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    print()
    for key, (j, t, largest, worst) in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        print(f"{key}: jalsa {j / 1000:.1f} KB, libjpeg-turbo {t / 1000:.1f} KB, ratio {j / t:.3f}, "
              f"largest {largest:.3f}, worst SSIMULACRA2 {worst:+.2f}")


if __name__ == "__main__":
    main()
