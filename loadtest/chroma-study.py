#!/usr/bin/env python3
"""What 4:4:4 would give remixes: bytes and SSIMULACRA2 of jalsa's encoder in 4:4:4.

For each bundled photo at 512, 1200 and 2048 px with the white and the yellow caption sets
of jpeg-quality.py, the PNG of the request is the reference. Prints, against libjpeg-turbo's
`cjpeg -quality 85` of that PNG: the byte ratio and SSIMULACRA2 difference of jalsa's JPEG
(4:2:0, as remixes are), then of the same picture encoded in one piece in 4:4:4 by
`examples/encode.rs` with every quantisation step 1.4, 1.7, 2.0 and 2.3 times coarser; last,
the bytes summed if each picture took the fewest of those within 0.3 points of
libjpeg-turbo's score (as an oracle knowing the score would choose).
Needs: pip install ssimulacra2 pillow; apt libjpeg-turbo-progs; a release build and
`cargo build --release --example encode`.
Usage: python3 loadtest/chroma-study.py [jalsa binary] [encode example binary]
"""
import os
import subprocess
import sys
import tempfile

import ssimulacra2
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JALSA = sys.argv[1] if len(sys.argv) > 1 else f"{ROOT}/target/release/jalsa"
ENCODE = sys.argv[2] if len(sys.argv) > 2 else f"{ROOT}/target/release/examples/encode"
SETS = {
    "white": ["--text", "Hope is priceless", "--text", "for everything else there is the ballot"],
    "yellow": ["--color", "yellow", "--outline", "#102030",
               "--text", "پاکستان زندہ باد 🇵🇰", "--text", "Naya Pakistan 2026!"],
}
PHOTOS = ["astronaut", "chelsea", "coffee", "hubble", "rocket"]
WIDTHS = [512, 1200, 2048]
COARSER = [1.4, 1.7, 2.0, 2.3]


def main():
    totals = {"turbo": 0, "half": 0, "oracle": 0}
    print("| captions | photo | width | jalsa 4:2:0 | " +
          " | ".join(f"4:4:4 x{c}" for c in COARSER) + " |")
    print("|" + " --- |" * (4 + len(COARSER)))
    with tempfile.TemporaryDirectory() as d:
        for name, captions in SETS.items():
            for photo in PHOTOS:
                for width in WIDTHS:
                    png, jpg, ppm, turbo, full = (f"{d}/p.{e}" for e in
                                                  ("png", "jpg", "ppm", "t.jpg", "f.jpg"))
                    for out in (png, jpg):
                        subprocess.run([JALSA, "render", "--template", photo, "--width",
                                        str(width), "-o", out] + captions,
                                       cwd=ROOT, capture_output=True, check=True)
                    Image.open(png).convert("RGB").save(ppm)
                    subprocess.run(["cjpeg", "-quality", "85", "-outfile", turbo, ppm],
                                   check=True)

                    def measure(path):
                        return os.path.getsize(path), ssimulacra2.compute_ssimulacra2(png, path)
                    bt, st = measure(turbo)
                    bj, sj = measure(jpg)
                    cells = [f"{bj / bt:.3f}, {sj - st:+.2f}"]
                    best = bj
                    for c in COARSER:
                        subprocess.run([ENCODE, png, full, "full", str(c)], check=True)
                        b, s = measure(full)
                        cells.append(f"{b / bt:.3f}, {s - st:+.2f}")
                        if s >= st - 0.3:
                            best = min(best, b)
                    totals["turbo"] += bt
                    totals["half"] += bj
                    totals["oracle"] += best
                    print(f"| {name} | {photo} | {width} | " + " | ".join(cells) + " |",
                          flush=True)
    print(f"\nbytes against libjpeg-turbo q85, summed: jalsa 4:2:0 "
          f"{totals['half'] / totals['turbo']:.3f}; the fewest within 0.3 points, 4:2:0 or "
          f"4:4:4, picture by picture {totals['oracle'] / totals['turbo']:.3f}")


if __name__ == "__main__":
    main()
