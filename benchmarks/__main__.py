"""Run one benchmark, several, or all of them, printing ``figure: value`` lines."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import benchmarks


def available() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if not info.name.startswith("_")
    )


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {available()})")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    for name in names:
        print(f"# benchmark {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        for figure, value in module.run():
            print(f"{figure}: {_format(value)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
