#!/usr/bin/env python3
"""Writes docs/api.md: every public item of the library crates, one line
each (its path, its kind and the first sentence of its documentation),
read from rustdoc's JSON output.

    for c in validate-ffi validate-archive validate; do
      RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=/tmp/apidoc cargo rustdoc -p $c --lib -- \\
        -Zunstable-options --output-format json
    done
    python3 docs/make-api.py /tmp/apidoc/doc > docs/api.md

(validate-ffi's library is also named `validate`, so its JSON is written
first and the core's replaces it; rustdoc's JSON output is unstable, hence RUSTC_BOOTSTRAP on the stable
toolchain; a separate target folder keeps the main build's fingerprints.)"""

from __future__ import annotations

import json
import pathlib
import sys

CRATES = [("validate", "validate"), ("validate_archive", "validate-archive"), ("validate_ffi", "validate-ffi")]
KINDS = {"module", "struct", "enum", "trait", "function", "constant", "static", "type_alias", "macro", "union"}


def first_sentence(docs: str | None) -> str:
    if not docs:
        return ""
    para = docs.strip().split("\n\n")[0].replace("\n", " ").strip()
    end = para.find(". ")
    text = para if end < 0 else para[: end + 1]
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def kind_of(item: dict) -> str:
    inner = item.get("inner") or {}
    return next(iter(inner), "") if isinstance(inner, dict) else str(inner)


def walk(index: dict, item_id, prefix: str, out: list[tuple[str, str, str]], seen: set) -> None:
    item = index.get(str(item_id))
    if item is None or item.get("visibility") != "public":
        return
    kind = kind_of(item)
    if kind == "use":
        use = item["inner"]["use"]
        target = use.get("id")
        if target is not None and str(target) in index and not use.get("is_glob"):
            name = use.get("name") or index[str(target)].get("name")
            walk_named(index, target, f"{prefix}::{name}", out, seen)
        return
    walk_named(index, item_id, f"{prefix}::{item['name']}", out, seen)


def walk_named(index: dict, item_id, path: str, out: list[tuple[str, str, str]], seen: set) -> None:
    item = index[str(item_id)]
    kind = kind_of(item)
    if kind not in KINDS:
        return
    key = (path, str(item_id))
    if key in seen:
        return
    seen.add(key)
    out.append((path, kind.replace("_", " "), first_sentence(item.get("docs"))))
    if kind == "module":
        for child in item["inner"]["module"]["items"]:
            walk(index, child, path, out, seen)


def main() -> None:
    doc_dir = pathlib.Path(sys.argv[1])
    print("# Public API\n")
    print("Every public item of the library crates, one line each: path, kind, and")
    print("the first sentence of its documentation (rustdoc has the rest: `cargo doc")
    print("--no-deps --open`). Written by `docs/make-api.py` from rustdoc's JSON;")
    print("regenerate it when the surface changes.\n")
    for file_name, crate in CRATES:
        path = doc_dir / f"{file_name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        index = data["index"]
        root = index[str(data["root"])]
        out: list[tuple[str, str, str]] = []
        seen: set = set()
        out.append((file_name, "crate", first_sentence(root.get("docs"))))
        for child in root["inner"]["module"]["items"]:
            walk(index, child, file_name, out, seen)
        print(f"## `{crate}` ({len(out) - 1} items)\n")
        for p, kind, doc in out:
            print(f"- `{p}` ({kind}){': ' + doc if doc else ''}")
        print()


if __name__ == "__main__":
    main()
