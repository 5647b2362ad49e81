#!/usr/bin/env python3
"""Bytes and SSIMULACRA2 of jalsa's JPEGs against libjpeg-turbo's `cjpeg -quality 85`.

For each bundled template (photos, not frames) at 512, 1200 and 2048 px with two captions,
the PNG of the same request is the reference; jalsa's JPEG and cjpeg's encode of that PNG
are scored against it with the ssimulacra2 package (pip install ssimulacra2 pillow).
Prints one Markdown table and the byte ratio over all of them.
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
CAPTIONS = ["Hope is priceless", "for everything else there is the ballot"]
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


def render(template, width, path):
    args = [JALSA, "--templates", f"{ROOT}/templates", "render", "--template", template,
            "--width", str(width), "-o", path]
    for c in CAPTIONS:
        args += ["--text", c]
    subprocess.run(args, capture_output=True, check=True)


def main():
    rows, total_jalsa, total_turbo = [], 0, 0
    with tempfile.TemporaryDirectory() as d:
        for t in templates():
            for w in WIDTHS:
                png, jpg, ppm, turbo = (f"{d}/{t}-{w}.{e}" for e in ("png", "jpg", "ppm", "turbo.jpg"))
                render(t, w, png)
                render(t, w, jpg)
                Image.open(png).convert("RGB").save(ppm)
                with open(turbo, "wb") as out:
                    subprocess.run(["cjpeg", "-quality", "85", ppm], stdout=out, check=True)
                sj, st = (ssimulacra2.compute_ssimulacra2(png, f) for f in (jpg, turbo))
                bj, bt = os.path.getsize(jpg), os.path.getsize(turbo)
                total_jalsa += bj
                total_turbo += bt
                rows.append(f"| {t} | {w} | {bj / 1000:.1f} KB, {sj:.2f} | {bt / 1000:.1f} KB, {st:.2f} "
                            f"| {bj / bt:.3f} | {sj - st:+.2f} |")
    print("| template | width | jalsa q85 | libjpeg-turbo q85 | bytes jalsa/turbo | SSIMULACRA2 jalsa-turbo |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    print(f"\nall: jalsa {total_jalsa / 1000:.1f} KB, libjpeg-turbo {total_turbo / 1000:.1f} KB, "
          f"ratio {total_jalsa / total_turbo:.3f}")


if __name__ == "__main__":
    main()
