#!/usr/bin/env python3
"""The XAdES benchmark: our CLI (release build) beside `xmlsec1 --verify`
and signxml on the same signed XML files (benches/xades/make_xml.py),
interleaved (ours, xmlsec1, ours, signxml, ... every round), each run a
fresh process whose wall time, CPU time and peak resident memory are
taken (the helper of benches/pades/run.py).

    cargo build --release -p validate-cli
    cargo build --release -p validate-benches --example xades_inprocess
    pip install --target /tmp/signxml-env -r benches/xades/requirements.txt
    python3 benches/xades/run.py --signxml-path /tmp/signxml-env [--rounds 15]

Each tool checks the signature and the signer's path to the example root
at the current time: ours with examples/policy.json (the intermediate
from the policy, code-signing purpose), xmlsec1 with the root trusted and
the intermediate untrusted, signxml with both in its CA file. signxml is
timed twice: its whole process (interpreter and imports included) and its
verification alone (timed inside the process), the latter beside our own
verification alone (benches/xades/inprocess.rs).

Prints one line per figure: `ratio NAME ours/theirs = X (min Y, max Z)`,
X the median over rounds of (their time / our time); then rates and peak
memory."""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import statistics
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("pades_run", REPO / "benches/pades/run.py")
assert spec is not None and spec.loader is not None
pades_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pades_run)
run = pades_run.run

# (name, signature file, detached content, xmlsec1 ID attributes)
FILES = [
    ("saml", "saml.xml", None, ["urn:oasis:names:tc:SAML:2.0:protocol:Response"]),
    ("trusted-list", "trusted-list.xml", None, []),
    ("detached-50mb", "detached.xml", "detached.bin", []),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--dir", default=str(REPO / "target/xades-bench"))
    ap.add_argument("--signxml-path", required=True, help="a pip --target folder holding signxml")
    ap.add_argument("--validate", default=str(REPO / "target/release/validate"))
    ap.add_argument("--inprocess", default=str(REPO / "target/release/examples/xades_inprocess"))
    args = ap.parse_args()
    d = pathlib.Path(args.dir)
    if not all((d / f[1]).exists() for f in FILES):
        subprocess.run([sys.executable, str(REPO / "benches/xades/make_xml.py"), str(d)], check=True)
    py_env = dict(os.environ, PYTHONPATH=args.signxml_path)
    chain = REPO / "examples/chain"

    def ours(f: tuple) -> list[str]:
        cmd = [args.validate, "verify", "--signature", str(d / f[1]), "--policy-file", str(REPO / "examples/policy.json")]
        return cmd + (["--content", str(d / f[2])] if f[2] else [])

    def xmlsec(f: tuple) -> list[str]:
        cmd = ["xmlsec1", "--verify", "--trusted-pem", str(chain / "root.pem"), "--untrusted-pem",
               str(chain / "intermediate.pem"), "--enabled-reference-uris", "empty,same-doc,local,remote"]
        for node in f[3]:
            cmd += ["--id-attr:ID", node]
        return cmd + [f[1]]

    def signxml(f: tuple) -> list[str]:
        cmd = [sys.executable, str(REPO / "benches/xades/signxml_verify.py"), str(d / f[1]), str(d / "ca.pem")]
        return cmd + ([str(d / f[2])] if f[2] else [])

    def inprocess(f: tuple) -> list[str]:
        return [args.inprocess, str(d / f[1])] + ([str(d / f[2])] if f[2] else [])

    def in_dir(cmd: list[str]) -> tuple[float, float, int, str]:
        # xmlsec1 resolves the detached URI against the current folder.
        cwd = os.getcwd()
        os.chdir(d)
        try:
            return run(cmd)
        finally:
            os.chdir(cwd)

    # Every tool must say the signature is valid before it is timed.
    import json

    for f in FILES:
        report = json.loads(run(ours(f))[3])
        assert report["opResult"]["resultStatus"] == 0 and report["policy"]["resultStatus"] < 2, (f, report)
        p = subprocess.run(xmlsec(f), cwd=d, capture_output=True, text=True)
        assert p.returncode == 0 and "OK" in p.stdout + p.stderr, (f, p.stderr)
        assert run(signxml(f), py_env)[3].split()[1] == "valid", f
        assert run(inprocess(f))[3].split()[1] == "valid", f

    samples: dict[str, dict[str, list[float]]] = {f[0]: {} for f in FILES}
    cpu: dict[str, dict[str, list[float]]] = {f[0]: {} for f in FILES}
    rss: dict[str, dict[str, int]] = {f[0]: {} for f in FILES}

    def record(f: str, tool: str, r: tuple[float, float, int, str]) -> None:
        samples[f].setdefault(tool, []).append(r[0])
        cpu[f].setdefault(tool, []).append(r[1])
        rss[f][tool] = max(rss[f].get(tool, 0), r[2])

    for _ in range(args.rounds):
        for f in FILES:
            name = f[0]
            record(name, "ours-a", run(ours(f)))
            record(name, "xmlsec1", in_dir(xmlsec(f)))
            record(name, "ours-b", run(ours(f)))
            r = run(signxml(f), py_env)
            record(name, "signxml-process", r)
            samples[name].setdefault("signxml-validation", []).append(float(r[3].split()[0]))
            r = run(inprocess(f))
            samples[name].setdefault("ours-validation", []).append(float(r[3].split()[0]))

    def ratio(label: str, f: str, mine: str, theirs: str, table: dict[str, dict[str, list[float]]]) -> None:
        r = [b / a for a, b in zip(table[f][mine], table[f][theirs])]
        print(f"ratio {label}/{f} ours/theirs = {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f})")

    for f in FILES:
        name = f[0]
        ratio("xmlsec1", name, "ours-a", "xmlsec1", samples)
        ratio("xmlsec1-cpu", name, "ours-a", "xmlsec1", cpu)
        ratio("signxml-process", name, "ours-b", "signxml-process", samples)
        ratio("signxml-validation", name, "ours-validation", "signxml-validation", samples)
    print()
    tools = ("ours", "xmlsec1", "signxml-process", "ours-validation", "signxml-validation")
    print(f"{'file':16} {'bytes':>10} " + " ".join(f"{t + ' /s':>22}" for t in tools)
          + "   peak RSS MiB (ours, xmlsec1, signxml)")
    for f in FILES:
        name = f[0]
        size = sum((d / p).stat().st_size for p in (f[1], f[2]) if p)
        ours_all = samples[name]["ours-a"] + samples[name]["ours-b"]
        rates = [1 / statistics.median(ours_all)] + [1 / statistics.median(samples[name][t]) for t in tools[1:]]
        mib = [max(rss[name]["ours-a"], rss[name]["ours-b"]) / 1024, rss[name]["xmlsec1"] / 1024,
               rss[name]["signxml-process"] / 1024]
        print(f"{name:16} {size:>10} " + " ".join(f"{r:>22.2f}" for r in rates) + "   "
              + ", ".join(f"{m:.1f}" for m in mib))
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
