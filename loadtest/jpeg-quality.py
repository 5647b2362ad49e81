#!/usr/bin/env python3
"""Bytes and SSIMULACRA2 of jalsa's JPEGs against libjpeg-turbo's `cjpeg -quality 85`.

For each bundled template (photos, not frames) at 512, 1200 and 2048 px, with each of four
caption sets (white Latin in the default style; yellow Urdu with a flag emoji and Latin on
a dark outline; the campaign's green in Roman Urdu and Urdu; its red on a white outline),
the PNG of the same request is the reference; jalsa's JPEG, cjpeg's encode of that PNG and,
where jpegli is installed (`cjpegli` on the PATH, or pip install pyjpegli), its encode at
quality 85 are scored against it with the ssimulacra2 package (pip install ssimulacra2
pillow). Prints one Markdown table, then for each caption set and over all of them the byte
ratio to libjpeg-turbo, the largest single one and the worst SSIMULACRA2 difference.
Usage: python3 loadtest/jpeg-quality.py [path to a release jalsa binary]
"""
import os
import shutil
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
    "green": ["--color", "green", "Tabdeeli aa gayi hai", "تبدیلی آ گئی ہے"],
    "red": ["--color", "red", "--outline", "white", "JALSA 2026", "Imran Khan zindabad"],
}
WIDTHS = [512, 1200, 2048]


def jpegli():
    """A function encoding a PPM to a JPEG file with jpegli at quality 85, or None."""
    if shutil.which("cjpegli"):
        return lambda ppm, out: subprocess.run(["cjpegli", ppm, out, "-q", "85"],
                                               capture_output=True, check=True)
    try:
        import pyjpegli
    except ImportError:
        return None

    def encode(ppm, out):
        image = Image.open(ppm).convert("RGB")
        with open(out, "wb") as f:
            f.write(pyjpegli.encode(image.tobytes(), image.width, image.height, 85))
    return encode


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
    encode_jpegli = jpegli()
    with tempfile.TemporaryDirectory() as d:
        for name, captions in CAPTION_SETS.items():
            for t in templates():
                for w in WIDTHS:
                    png, jpg, ppm, turbo, li = (f"{d}/{t}-{w}.{e}" for e in
                                                ("png", "jpg", "ppm", "turbo.jpg", "jpegli.jpg"))
                    render(t, w, captions, png)
                    render(t, w, captions, jpg)
                    Image.open(png).convert("RGB").save(ppm)
                    with open(turbo, "wb") as out:
                        subprocess.run(["cjpeg", "-quality", "85", ppm], stdout=out, check=True)
                    encoded = [jpg, turbo]
                    if encode_jpegli:
                        encode_jpegli(ppm, li)
                        encoded.append(li)
                    scores = [ssimulacra2.compute_ssimulacra2(png, f) for f in encoded]
                    sizes = [os.path.getsize(f) for f in encoded]
                    (sj, st), (bj, bt) = scores[:2], sizes[:2]
                    for key in (name, "all"):
                        j, tt, li_bytes, largest, worst = totals.get(key, (0, 0, 0, 0.0, 99.0))
                        totals[key] = (j + bj, tt + bt, li_bytes + sum(sizes[2:]),
                                       max(largest, bj / bt), min(worst, sj - st))
                    cells = [f"{b / 1000:.1f} KB, {s:.2f}" for b, s in zip(sizes, scores)]
                    rows.append(f"| {name} | {t} | {w} | {' | '.join(cells)} | {bj / bt:.3f} "
                                f"| {sj - st:+.2f} |")
    heads = ["jalsa q85", "libjpeg-turbo q85"] + (["jpegli q85"] if encode_jpegli else [])
    print(f"| captions | template | width | {' | '.join(heads)} | bytes jalsa/turbo "
          "| SSIMULACRA2 jalsa-turbo |")
    print("|" + " --- |" * (len(heads) + 5))
    print("\n".join(rows))
    print()
    if not encode_jpegli:
        print("(jpegli not installed: no cjpegli on the PATH and no pyjpegli module)")
    for key, (j, t, li_bytes, largest, worst) in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        jpegli_part = f", jpegli {li_bytes / t:.3f}" if encode_jpegli else ""
        print(f"{key}: jalsa {j / 1000:.1f} KB, libjpeg-turbo {t / 1000:.1f} KB, ratio {j / t:.3f}"
              f"{jpegli_part}, largest {largest:.3f}, worst SSIMULACRA2 {worst:+.2f}")


if __name__ == "__main__":
    main()
