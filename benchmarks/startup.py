#!/usr/bin/env python
"""Where the start-up of `gridlaw check examples/hire.yaml` goes, step by step.

    .venv-ne/bin/python benchmarks/startup.py            # run it with the python of a non-editable install

Each step is a fresh process that does everything the step before it did, and one thing more; the
difference is what that thing costs. Counted in instructions (valgrind --tool=callgrind), which do not
depend on what else the machine runs, and in CPU time (getrusage, median of 7), which does. Without
valgrind only CPU time is printed. The last step is the real entry point.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HIRE = str(ROOT / "examples" / "hire.yaml")
RUN = ("import sys; sys.argv = ['gridlaw', 'check', %r]\nfrom gridlaw.launch import main\ntry:\n    main()\n"
       "except SystemExit:\n    pass" % HIRE)
STEPS = [
    ("the interpreter (python -c pass)", "pass"),
    ("import gridlaw (the package: typing, re)", "import gridlaw"),
    ("+ PyYAML (acts and packs are YAML)", "import gridlaw, yaml"),
    ("+ pydantic, as far as the pack format needs it", "import gridlaw, yaml, pydantic.fields"),
    ("+ the pack format models (gridlaw.packspec)", "import gridlaw, yaml, gridlaw.packspec"),
    ("+ our modules on the check path (api, evaluate, loader, layers, report …)",
     "import gridlaw, yaml, gridlaw.packspec, gridlaw.api, gridlaw.evaluate, gridlaw.layers, gridlaw.report, "
     "gridlaw.acts_compiled, gridlaw.checklist"),
    ("+ the run: read the act, load 5 packs (cache), evaluate, render: `gridlaw check examples/hire.yaml`", RUN),
]
# not on the path of `gridlaw check` (gridlaw.launch parses it with argparse); what the other commands add
BESIDE = ("(not on this path) typer and gridlaw.cli, over our modules",
          "import gridlaw, yaml, gridlaw.packspec, gridlaw.api, gridlaw.evaluate, gridlaw.layers, gridlaw.report, "
          "gridlaw.acts_compiled, gridlaw.checklist, gridlaw.cli")


def instructions(code: str) -> int | None:
    if not shutil.which("valgrind"):
        return None
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
                       capture_output=True, text=True, env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"})
    m = re.search(r"Collected : (\d+)", r.stderr)
    return int(m.group(1)) if m else None


def cpu_ms(code: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], capture_output=True,
                       env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(times)


def main() -> None:
    subprocess.run([sys.executable, "-c", RUN], capture_output=True)       # the pack cache is written once
    print(f"python {sys.executable}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'step':100} {'instructions':>14} {'+':>8} {'CPU ms':>8} {'+':>7}")
    prev_i = prev_c = 0.0
    for label, code in STEPS:
        n = instructions(code)
        c = cpu_ms(code)
        print(f"{label:100} {(n or 0) / 1e6:12.0f} M {((n or 0) - prev_i) / 1e6:+7.0f} {c:8.1f} {c - prev_c:+7.1f}")
        prev_i, prev_c = (n or 0), c
        if code.startswith("import gridlaw, yaml, gridlaw.packspec, gridlaw.api"):
            base_i, base_c = prev_i, prev_c
    n, c = instructions(BESIDE[1]), cpu_ms(BESIDE[1])
    print(f"{BESIDE[0]:100} {(n or 0) / 1e6:12.0f} M {((n or 0) - base_i) / 1e6:+7.0f} {c:8.1f} {c - base_c:+7.1f}")
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
