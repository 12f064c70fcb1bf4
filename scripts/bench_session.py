#!/usr/bin/env python3
"""How fast the pure core runs: compile and simulate a long routine.

Prints figures; asserts nothing. The goal (issue 2) is a 30-minute routine
simulated in well under a second.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import replace

from facecoach import ScriptedCommand, builtin_library, compile_plan, simulate
from facecoach._core.commands import Command
from facecoach._core.plan import Personal


def main() -> None:
    library = builtin_library()
    routine = library.routines.get("daily") or next(iter(library.routines.values()))
    plan = compile_plan(routine, library, personal=Personal("left"))
    repeats = max(1, math.ceil(1800 / plan.total_seconds))
    long_plan = replace(plan, steps=plan.steps * repeats)
    commands = [ScriptedCommand(t, Command.TOO_TIGHT) for t in range(60, 1800, 120)]
    compile_times, simulate_times = [], []
    for _ in range(20):
        started = time.perf_counter()
        compile_plan(routine, library, personal=Personal("left"))
        compile_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        log = simulate(long_plan, commands)
        simulate_times.append(time.perf_counter() - started)
    print(
        f"routine: {routine.id} x{repeats} = {long_plan.total_seconds / 60:.1f} simulated minutes,"
        f" {len(long_plan.steps)} steps, {len(log)} log lines"
    )
    print(f"compile_plan: median {statistics.median(compile_times) * 1000:.2f} ms")
    print(
        f"simulate (with {len(commands)} too-tight commands): median "
        f"{statistics.median(simulate_times) * 1000:.1f} ms, "
        f"max {max(simulate_times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
