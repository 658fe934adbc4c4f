#!/usr/bin/env python3
"""The PAdES benchmark: our CLI (release build) beside poppler's pdfsig and
pyHanko on the same signed PDFs (benches/pades/make_pdfs.py), interleaved
(ours, pdfsig, ours, pyHanko, ... every round), each run a fresh process
whose wall time and peak resident memory (wait4's ru_maxrss) are taken.

    cargo build --release -p validate-cli
    pip install --target /tmp/pyhanko-env -r benches/pades/requirements.txt
    python3 benches/pades/run.py --pyhanko-path /tmp/pyhanko-env [--rounds 15]

Each tool validates every signature of the file: ours with
examples/policy.json at 2030-01-01 (integrity, the signer's path to the
example root, modification analysis); pdfsig with -no-ocsp (integrity and
NSS certificate verification, no network); pyHanko with
validate_pdf_signature (integrity, path, modification analysis, no
fetching). pyHanko is timed twice: its whole process (interpreter and
imports included, as a command-line user pays) and its validation alone
(timed inside the process after the imports, which favours it).

Prints one line per figure: `ratio NAME ours/theirs = X (min Y, max Z)`,
X the median over rounds of (their time / our time) on that file, i.e.
our PDFs per second over theirs; then rates and peak memory."""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
FILES = ["one-page.pdf", "hundred-pages.pdf", "hundred-mb.pdf", "ten-signatures.pdf"]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in KiB, stdout of one process."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, out.decode(errors="replace")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--dir", default=str(REPO / "target/pades-bench"))
    ap.add_argument("--pyhanko-path", required=True, help="a pip --target folder holding pyhanko")
    ap.add_argument("--validate", default=str(REPO / "target/release/validate"))
    args = ap.parse_args()
    d = pathlib.Path(args.dir)
    if not all((d / f).exists() for f in FILES):
        subprocess.run([sys.executable, str(REPO / "benches/pades/make_pdfs.py"), str(d)], check=True)
    py_env = dict(os.environ, PYTHONPATH=args.pyhanko_path)
    ours = lambda f: [args.validate, "verify", "--signature", str(d / f), "--policy-file",
                      str(REPO / "examples/policy.json"), "--at", "2030-01-01T00:00:00Z"]
    pdfsig = lambda f: ["pdfsig", "-no-ocsp", str(d / f)]
    pyhanko = lambda f: [sys.executable, str(REPO / "benches/pades/pyhanko_validate.py"), str(d / f)]

    # Every tool must say every signature is intact before it is timed.
    for f in FILES:
        n = 10 if f.startswith("ten") else 1
        _, _, out = run(ours(f))
        assert out.count('"valid":true') >= n and '"resultStatus":0}' in out, (f, out[:2000])
        _, _, out = run(pdfsig(f))
        assert out.count("Signature is Valid.") == n, (f, out)
        _, _, out = run(pyhanko(f), py_env)
        assert out.count("intact=True") == n, (f, out)

    samples: dict[str, dict[str, list[float]]] = {f: {} for f in FILES}
    rss: dict[str, dict[str, int]] = {f: {} for f in FILES}

    def record(f: str, tool: str, t: float, kib: int) -> None:
        samples[f].setdefault(tool, []).append(t)
        rss[f][tool] = max(rss[f].get(tool, 0), kib)

    for _ in range(args.rounds):
        for f in FILES:
            t, k, _ = run(ours(f))
            record(f, "ours-a", t, k)
            t, k, _ = run(pdfsig(f))
            record(f, "pdfsig", t, k)
            t, k, _ = run(ours(f))
            record(f, "ours-b", t, k)
            t, k, out = run(pyhanko(f), py_env)
            record(f, "pyhanko-process", t, k)
            record(f, "pyhanko-validation", float(out.split()[0]), k)

    def ratio(name: str, f: str, mine: str, theirs: str) -> float:
        r = [b / a for a, b in zip(samples[f][mine], samples[f][theirs])]
        x = statistics.median(r)
        print(f"ratio {name}/{f.removesuffix('.pdf')} ours/theirs = {x:.2f} (min {min(r):.2f}, max {max(r):.2f})")
        return x

    for f in FILES:
        ratio("pdfsig", f, "ours-a", "pdfsig")
        ratio("pyhanko-process", f, "ours-b", "pyhanko-process")
        ratio("pyhanko-validation", f, "ours-b", "pyhanko-validation")
    print()
    print(f"{'file':20} {'size':>12} " + " ".join(f"{t + ' /s':>22}" for t in ("ours", "pdfsig", "pyhanko-process", "pyhanko-validation")) + "   peak RSS MiB (ours, pdfsig, pyhanko)")
    for f in FILES:
        size = (d / f).stat().st_size
        ours_all = samples[f]["ours-a"] + samples[f]["ours-b"]
        rates = [1 / statistics.median(ours_all)] + [1 / statistics.median(samples[f][t]) for t in ("pdfsig", "pyhanko-process", "pyhanko-validation")]
        mib = [max(rss[f]["ours-a"], rss[f]["ours-b"]) / 1024, rss[f]["pdfsig"] / 1024, rss[f]["pyhanko-process"] / 1024]
        print(f"{f:20} {size:>12} " + " ".join(f"{r:>22.2f}" for r in rates) + "   " + ", ".join(f"{m:.1f}" for m in mib))
    big = d / "hundred-mb.pdf"
    t = statistics.median(samples["hundred-mb.pdf"]["ours-a"] + samples["hundred-mb.pdf"]["ours-b"])
    print(f"\nours on hundred-mb.pdf: {big.stat().st_size / t / 1e9:.2f} GB/s whole process "
          f"(median {t * 1000:.1f} ms), peak RSS {max(rss['hundred-mb.pdf']['ours-a'], rss['hundred-mb.pdf']['ours-b']) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
