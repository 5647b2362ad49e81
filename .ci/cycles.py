#!/usr/bin/env python3
"""Import circles among the files under src/: a file "needs" another when it names an item
of that file's module by path (`use crate::web::pages::x`, `super::State`, `crate::db::open`).
Declaring a child module (`mod x;`), re-exporting (`pub use`) and `#[cfg(test)]` modules do
not count. Prints each circle (a strongly connected set of files) and exits 1 if any. With
`--db`, also lists where the web layer names a `db` item (`crate::db::...`), and fails on
those too.

    python3 .ci/cycles.py [--db] [src]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from rust_source import blank_literals, without_tests  # noqa: E402

args = [a for a in sys.argv[1:] if a != "--db"]
check_db = "--db" in sys.argv[1:]
root = args[0] if args else "src"


def module_of(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


files = {}
for dirpath, _, names in os.walk(root):
    for name in names:
        if name.endswith(".rs"):
            path = os.path.join(dirpath, name)
            files[module_of(path)] = path
# The binary's main.rs is its own crate root; lib.rs is the crate.
files.pop((), None)


def strip(text):
    """The code alone, without its `#[cfg(test)]` module."""
    return without_tests(blank_literals(text))


def expand_use(body):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    body = re.sub(r"\s+", "", body)

    def split_top(s):
        depth, start, parts = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        return [p for p in parts if p]

    def go(prefix, s):
        out = []
        for part in split_top(s):
            m = re.match(r"^(.*?)\{(.*)\}$", part)
            if m:
                out += go(prefix + m.group(1), m.group(2))
            else:
                out.append(prefix + re.sub(r"as\w+$", "", part))
        return out

    return go("", body)


def resolve(module, path):
    """The file module a path names, or None when it is outside the crate's files."""
    parts = [p for p in path.split("::") if p]
    if not parts:
        return None
    here = list(module)
    if parts[0] == "crate":
        base, parts = [], parts[1:]
    elif parts[0] in ("super", "self"):
        base = here[:]
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
    elif tuple(here + [parts[0]]) in files:
        base = here[:]
    else:
        return None
    best = tuple(base) if tuple(base) in files else None
    for p in parts:
        base.append(p)
        if tuple(base) in files:
            best = tuple(base)
        else:
            break
    return best


texts = {m: strip(open(path, encoding="utf-8").read()) for m, path in files.items()}

# What each module re-exports: name -> the path it stands for, so a path through a
# re-export needs the file the item lives in, not the one that re-exports it.
exports = {m: {} for m in files}
for module, text in texts.items():
    for m in re.finditer(r"(?<![\w:])pub(?:\([\w:]+\))?\s+use\s+([^;]+);", text):
        for p in expand_use(m.group(1)):
            name = p.split("::")[-1]
            alias = re.search(r"as(\w+)$", re.sub(r"\s+", "", m.group(1)))
            exports[module][name] = p


def through(module, path, depth=0):
    """Resolve a path, following re-exports to the file the item is defined in."""
    target = resolve(module, path)
    if target is None or depth > 8:
        return target
    parts = [p for p in path.split("::") if p]
    # The segment after the module the path reached.
    rest = parts[len(parts) - 1:] if parts else []
    for i in range(len(parts)):
        if resolve(module, "::".join(parts[: i + 1])) == target and i + 1 < len(parts):
            rest = parts[i + 1:]
    if rest and rest[0] in exports[target]:
        again = through(target, exports[target][rest[0]], depth + 1)
        if again is not None:
            return again
    return target


edges = {m: set() for m in files}
db_in_web = []
for module, path in files.items():
    text = texts[module]
    paths = []
    for m in re.finditer(r"(?<![\w:])(pub(?:\([\w:]+\))?\s+)?use\s+([^;]+);", text):
        if m.group(1):
            continue  # a re-export
        paths += expand_use(m.group(2))
    rest = re.sub(r"(?<![\w:])(pub(?:\([\w:]+\))?\s+)?use\s+[^;]+;", "", text)
    paths += re.findall(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", rest)
    # Inline paths through a child module: `pages::home` in web/mod.rs.
    children = [m[-1] for m in files if m[:-1] == module and len(m) == len(module) + 1]
    for child in children:
        paths += ["self::" + p for p in re.findall(rf"(?<![\w:])({child}(?:::\w+)+)", rest)]
    for p in paths:
        target = through(module, p)
        if target is not None and target != module:
            edges[module].add(target)
            if module[:1] == ("web",) and p.startswith("crate::db"):
                db_in_web.append((files[module], p))

# Tarjan's strongly connected components.
index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]


def connect(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            connect(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            comps.append(comp)


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        connect(v)

for comp in comps:
    names = sorted(files[m] for m in comp)
    print(f"circle of {len(comp)} files: {', '.join(names)}")
    inside = set(comp)
    for m in sorted(comp):
        print(f"  {files[m]} -> {', '.join(sorted(files[t] for t in edges[m] & inside))}")
if check_db:
    for path, p in db_in_web:
        print(f"web names a db item: {path}: {p}")
if comps or (check_db and db_in_web):
    sys.exit(1)
print(f"no import circles among {len(files)} files")
