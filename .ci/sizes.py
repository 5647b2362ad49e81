#!/usr/bin/env python3
"""The house's size rules over src/: no file over 800 lines, no function over 100 lines
(tables aside: a `const`/`static` is not a function). Prints what breaks a rule and exits 1
if anything does.

    python3 .ci/sizes.py [src]
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
MAX_FILE, MAX_FN = 800, 100
broken = []


def blank_literals(text):
    """Comments, strings and chars blanked (newlines kept), so braces count true."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif (m := re.match(r'b?r(#*)"', text[i:i + 40])) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = '"' + m.group(1)
            j = text.find(close, i + m.end())
            j = n if j < 0 else j + len(close)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", text[i:j + 1]))
            i = j + 1
        elif c == "'" and (m := re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^'\\])'", text[i:i + 12])):
            out.append(" " * m.end())
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


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
