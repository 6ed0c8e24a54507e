"""CLI cold start: wall time and peak memory of one ``trialsum`` process per command.

For ``--help``, ``trials``, ``search``, ``search`` with words never asked before (a new query
each run, so the query embedding is computed, not read from the store's embedding cache), ``ask``
(across trials) and ``ask --trial ID`` (the store's first trial) on one store, each run in a fresh
process:
in-process (the CLI opens the store itself) and through a running ``trialsum serve``
(``TRIALSUM_URL`` set; the server is started by this script and not counted). Baseline, measured
in the same run: ``python -c pass`` (the interpreter's own start). Prints median and min wall
seconds, median CPU seconds (user + system, from ``wait4``: what the process itself used, which a
loaded machine inflates far less than wall time), peak RSS, and the ratios to the baseline and of
API to in-process. Other processes share the CPU; the load averages are printed.

Each command runs once, untimed, before its timed runs (a first run builds the BM25 snapshot if
the store has none, and fills the OS page cache). Bytecode is cached as for an installed package
(in a private ``PYTHONPYCACHEPREFIX``, even when ``PYTHONDONTWRITEBYTECODE`` is set), so the
figures do not include compiling trialsum's own modules on every start.

With ``--compare-full``, each command also runs in-process with the direct read path turned off
(``TRIALSUM_CHROMA_DIRECT=0``: chromadb's full client, as before issue 13's round 6), in the same
run, so the two are measured under the same load. ``--no-api`` skips the served runs.

A local read uses the direct path only when the folder is settled at the current write epoch
(``vectorstore.chroma_connection``). The settle folds each collection's write log into its index
files (``vectorstore.index_fold``), so later reads replay nothing and leave the folder settled;
the first run after a write (or on a store settled before the fold existed) settles and folds,
which the untimed run pays. A store never opened by this trialsum is folded by that run too:
point ``--store`` at a copy.

The commands may write to the store (a BM25 snapshot, the embedding cache, the lock file): point
``--store`` at a copy of a store you must not change.

    .venv/bin/python benchmarks/cli_cold_start.py --store /tmp/store-home [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ROOT, serving

COMMANDS = {
    "--help": ["--help"],
    "trials": ["trials", "--json"],
    "search": ["search", "age limits for joining", "--json"],
    "search new": ["search", "age limits for joining, asked {run}", "--json"],
    "ask": ["ask", "Which trials are for leukemia?", "--json"],
    "ask -t": ["ask", "Who can join?", "--json", "--trial"],  # + the store's first trial
}


def first_trial(cli: list[str], env: dict[str, str]) -> str:
    """The first trial id in the store (untimed), for ``ask --trial``."""
    done = subprocess.run(
        [*cli, "trials", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    rows = json.loads(done.stdout)
    if not rows:
        raise SystemExit("the store holds no trials")
    return str(rows[0]["trial_id"])


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB, exit code) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


#: Turns the direct read path off (``vectorstore.chroma_direct.ENV_SWITCH``).
TRIALSUM_DIRECT = "TRIALSUM_CHROMA_DIRECT"

#: Distinct per process, so a "{run}" query is new to every process of every benchmark run.
_RUN = f"{os.getpid()}-{time.time_ns()}"


def measure(argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    timed([a.replace("{run}", f"{_RUN}-warm-{len(env)}") for a in argv], env)  # untimed
    walls, cpus, rss = [], [], []
    for n in range(runs):
        args = [a.replace("{run}", f"{_RUN}-{n}-{len(env)}") for a in argv]
        wall, cpu, mb, code = timed(args, env)
        if code != 0:
            raise SystemExit(f"{' '.join(args)} exited {code}")
        walls.append(wall)
        cpus.append(cpu)
        rss.append(mb)
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "cpu_s": statistics.median(cpus),
        "min_cpu_s": min(cpus),
        "rss_mb": max(rss),
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True, help="store home (TRIALSUM_HOME) to read")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--compare-full",
        action="store_true",
        help="also run in-process with the direct read path off (TRIALSUM_CHROMA_DIRECT=0)",
    )
    ap.add_argument("--no-api", action="store_true", help="skip the served (TRIALSUM_URL) runs")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("TRIALSUM_URL", TRIALSUM_DIRECT)}
    env.update(TRIALSUM_HOME=str(args.store), ANONYMIZED_TELEMETRY="False")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode cached
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "trialsum-bench-pycache")
    cli = [sys.executable, "-m", "summarizer"]
    commands = dict(COMMANDS)
    commands["ask -t"] = [*COMMANDS["ask -t"], first_trial(cli, env)]
    load_before = os.getloadavg()
    baseline = measure([sys.executable, "-c", "pass"], env, args.runs)
    rows: dict[str, dict[str, dict[str, float]]] = {}
    full_env = {**env, TRIALSUM_DIRECT: "0"}
    for name, argv in commands.items():
        rows[name] = {"in_process": measure(cli + argv, env, args.runs)}
        if args.compare_full:
            rows[name]["in_full"] = measure(cli + argv, full_env, args.runs)
    ready_s = 0.0
    if not args.no_api:
        with serving(args.store) as (url, _proc, ready_s):
            remote_env = {**env, "TRIALSUM_URL": url}
            for name, argv in commands.items():
                rows[name]["via_api"] = measure(cli + argv, remote_env, args.runs)
    result = {
        "store": str(args.store),
        "runs": args.runs,
        "baseline_python_c_pass": baseline,
        "server_ready_s": ready_s,
        "commands": rows,
        "load": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    b, bc = baseline["median_s"], baseline["cpu_s"]
    load = f"load {result['load']} -> {result['load_after']}"
    print(f"store {args.store}; {args.runs} runs each; {load}")
    print(
        f"baseline python -c pass: median {b:.3f} s wall, {bc:.3f} s CPU, "
        f"rss {baseline['rss_mb']:.0f} MB"
    )
    if not args.no_api:
        print(f"server ready (not counted below): {ready_s:.1f} s")
    head = (
        "command",
        "mode",
        "median s",
        "min s",
        "CPU s",
        "min CPU",
        "RSS MB",
        "x pass",
        "CPU x pass",
        "api/in",
    )
    line = "{:<10} {:<11} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>10} {:>7}"
    print(line.format(*head))
    for name, modes in rows.items():
        for mode, m in modes.items():
            ratio = m["median_s"] / modes["in_process"]["median_s"]
            cells = (
                name,
                mode,
                f"{m['median_s']:.3f}",
                f"{m['min_s']:.3f}",
                f"{m['cpu_s']:.3f}",
                f"{m['min_cpu_s']:.3f}",
                f"{m['rss_mb']:.0f}",
                f"{m['median_s'] / b:.1f}",
                f"{m['cpu_s'] / bc:.1f}",
                f"{ratio:.2f}",
            )
            print(line.format(*cells))


if __name__ == "__main__":
    main()
