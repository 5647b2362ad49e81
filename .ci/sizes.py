#!/usr/bin/env python3
"""The house's size rules over src/: no file over 800 lines, no function over 100 lines
(tables aside: a `const`/`static` is not a function). Prints what breaks a rule and exits 1
if anything does.

    python3 .ci/sizes.py [src]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from rust_source import blank_literals  # noqa: E402

root = sys.argv[1] if len(sys.argv) > 1 else "src"
MAX_FILE, MAX_FN = 800, 100
broken = []


for dirpath, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        if not name.endswith(".rs"):
            continue
        path = os.path.join(dirpath, name)
        text = open(path, encoding="utf-8").read()
        lines = text.count("\n")
        if lines > MAX_FILE:
            broken.append(f"{path}: {lines} lines (at most {MAX_FILE})")
        code = blank_literals(text)
        for m in re.finditer(r"\bfn\s+(\w+)[^;{]*\{", code):
            depth, j = 1, m.end()
            while j < len(code) and depth:
                if code[j] == "{":
                    depth += 1
                elif code[j] == "}":
                    depth -= 1
                j += 1
            start = code.count("\n", 0, m.start()) + 1
            length = code.count("\n", m.start(), j) + 1
            if length > MAX_FN:
                broken.append(f"{path}:{start}: fn {m.group(1)} is {length} lines (at most {MAX_FN})")

for line in broken:
    print(line)
if broken:
    sys.exit(1)
print(f"every file under {root}/ within {MAX_FILE} lines and every function within {MAX_FN}")
