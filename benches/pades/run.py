#!/usr/bin/env python3
"""The PAdES benchmark: our CLI (release build) beside poppler's pdfsig and
pyHanko on the same signed PDFs (benches/pades/make_pdfs.py), interleaved
(ours, pdfsig, ours, pyHanko, ... every round), each run a fresh process
whose wall time and peak resident memory (wait4's ru_maxrss) are taken.

    cargo build --release -p validate-cli
    cargo build --release -p validate-benches --example pades_inprocess
    pip install --target /tmp/pyhanko-env -r benches/pades/requirements.txt
    python3 benches/pades/run.py --pyhanko-path /tmp/pyhanko-env [--rounds 15]

Each tool validates every signature of the file: ours with
examples/policy.json at 2030-01-01 (integrity, the signer's path to the
example root, modification analysis); pdfsig with -no-ocsp (integrity and
NSS certificate verification, no network); pyHanko with
validate_pdf_signature (integrity, path, modification analysis, no
fetching). pyHanko is timed twice: its whole process (interpreter and
imports included, as a command-line user pays) and its validation alone
(timed inside the process after the imports), the latter beside our own
validation alone (benches/pades/inprocess.rs, timed inside its process
after loading the policy: one Validator::verify_pdf and the report JSON).

Prints one line per figure: `ratio NAME ours/theirs = X (min Y, max Z)`,
X the median over rounds of (their time / our time) on that file, i.e.
our PDFs per second over theirs; then rates and peak memory."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import tempfile
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
FILES = ["one-page.pdf", "hundred-pages.pdf", "hundred-mb.pdf", "ten-signatures.pdf"]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in KiB of
    one process, and its stdout. GNU time reports the child's peak RSS (a
    child forked from this Python process would count Python's pages in
    its ru_maxrss); wait4 on GNU time gives the CPU time in microseconds
    (its own is negligible)."""
    with tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        p = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", usage.name, *cmd],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )
        assert p.stdout is not None
        out = p.stdout.read()
        _, status, rusage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        kib = int(usage.read().split()[-1])
    return elapsed, rusage.ru_utime + rusage.ru_stime, kib, out.decode(errors="replace")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--dir", default=str(REPO / "target/pades-bench"))
    ap.add_argument("--pyhanko-path", required=True, help="a pip --target folder holding pyhanko")
    ap.add_argument("--validate", default=str(REPO / "target/release/validate"))
    ap.add_argument("--inprocess", default=str(REPO / "target/release/examples/pades_inprocess"))
    args = ap.parse_args()
    d = pathlib.Path(args.dir)
    if not all((d / f).exists() for f in FILES):
        subprocess.run([sys.executable, str(REPO / "benches/pades/make_pdfs.py"), str(d)], check=True)
    py_env = dict(os.environ, PYTHONPATH=args.pyhanko_path)
    ours = lambda f: [args.validate, "verify", "--signature", str(d / f), "--policy-file",
                      str(REPO / "examples/policy.json"), "--at", "2030-01-01T00:00:00Z"]
    pdfsig = lambda f: ["pdfsig", "-no-ocsp", str(d / f)]
    pyhanko = lambda f: [sys.executable, str(REPO / "benches/pades/pyhanko_validate.py"), str(d / f)]
    inprocess = lambda f: [args.inprocess, str(d / f)]

    # Every tool must say every signature is intact before it is timed.
    for f in FILES:
        n = 10 if f.startswith("ten") else 1
        report = json.loads(run(ours(f))[3])
        entries = report["pdfSignatures"]
        assert len(entries) == n and all(e["valid"] for e in entries), (f, entries)
        assert report["opResult"]["resultStatus"] == 0 and report["policy"]["resultStatus"] == 0, f
        out = run(pdfsig(f))[3]
        assert out.count("Signature is Valid.") == n, (f, out)
        out = run(pyhanko(f), py_env)[3]
        assert out.count("intact=True") == n, (f, out)
        out = run(inprocess(f))[3]
        assert f"{n} of {n} signatures valid" in out, (f, out)

    samples: dict[str, dict[str, list[float]]] = {f: {} for f in FILES}
    cpu: dict[str, dict[str, list[float]]] = {f: {} for f in FILES}
    rss: dict[str, dict[str, int]] = {f: {} for f in FILES}

    def record(f: str, tool: str, r: tuple[float, float, int, str]) -> None:
        samples[f].setdefault(tool, []).append(r[0])
        cpu[f].setdefault(tool, []).append(r[1])
        rss[f][tool] = max(rss[f].get(tool, 0), r[2])

    for _ in range(args.rounds):
        for f in FILES:
            record(f, "ours-a", run(ours(f)))
            record(f, "pdfsig", run(pdfsig(f)))
            record(f, "ours-b", run(ours(f)))
            r = run(pyhanko(f), py_env)
            record(f, "pyhanko-process", r)
            samples[f].setdefault("pyhanko-validation", []).append(float(r[3].split()[0]))
            r = run(inprocess(f))
            samples[f].setdefault("ours-validation", []).append(float(r[3].split()[0]))

    def ratio(name: str, f: str, mine: str, theirs: str, table: dict[str, dict[str, list[float]]]) -> float:
        r = [b / a for a, b in zip(table[f][mine], table[f][theirs])]
        x = statistics.median(r)
        print(f"ratio {name}/{f.removesuffix('.pdf')} ours/theirs = {x:.2f} (min {min(r):.2f}, max {max(r):.2f})")
        return x

    # Wall time is what a user waits; CPU time (user + system, from
    # wait4) is steadier on a shared machine.
    for f in FILES:
        ratio("pdfsig", f, "ours-a", "pdfsig", samples)
        ratio("pdfsig-cpu", f, "ours-a", "pdfsig", cpu)
        ratio("pyhanko-process", f, "ours-b", "pyhanko-process", samples)
        ratio("pyhanko-validation", f, "ours-validation", "pyhanko-validation", samples)
    print()
    print(f"{'file':20} {'size':>12} " + " ".join(f"{t + ' /s':>22}" for t in ("ours", "pdfsig", "pyhanko-process", "ours-validation", "pyhanko-validation")) + "   peak RSS MiB (ours, pdfsig, pyhanko)")
    for f in FILES:
        size = (d / f).stat().st_size
        ours_all = samples[f]["ours-a"] + samples[f]["ours-b"]
        rates = [1 / statistics.median(ours_all)] + [1 / statistics.median(samples[f][t]) for t in ("pdfsig", "pyhanko-process", "ours-validation", "pyhanko-validation")]
        mib = [max(rss[f]["ours-a"], rss[f]["ours-b"]) / 1024, rss[f]["pdfsig"] / 1024, rss[f]["pyhanko-process"] / 1024]
        print(f"{f:20} {size:>12} " + " ".join(f"{r:>22.2f}" for r in rates) + "   " + ", ".join(f"{m:.1f}" for m in mib))
    big = d / "hundred-mb.pdf"
    t = statistics.median(samples["hundred-mb.pdf"]["ours-a"] + samples["hundred-mb.pdf"]["ours-b"])
    c = statistics.median(cpu["hundred-mb.pdf"]["ours-a"] + cpu["hundred-mb.pdf"]["ours-b"])
    print(f"\nours on hundred-mb.pdf: {big.stat().st_size / t / 1e9:.2f} GB/s whole process wall "
          f"(median {t * 1000:.1f} ms), {big.stat().st_size / c / 1e9:.2f} GB/s of CPU time "
          f"(median {c * 1000:.1f} ms), peak RSS {max(rss['hundred-mb.pdf']['ours-a'], rss['hundred-mb.pdf']['ours-b']) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
