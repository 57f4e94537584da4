"""Command line: ``python -m demo_company generate --out DIR [--size default] [--seed 7]``.

``python -m demo_company run [--lang es]`` runs the main job (see :mod:`demo_company.main_job`) and writes its
report in English (the default) or Spanish.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from demo_company.generator import SIZES, generate
from demo_company.report import LANGUAGES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo_company", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="generate the demo company and write its CSV files")
    gen.add_argument("--out", required=True, help="directory for the CSV files")
    run = commands.add_parser("run", help="run every capability on the demo company and write the report")
    run.add_argument("--out", default="reports", help="directory for the report")
    run.add_argument("--lang", default="en", choices=sorted(LANGUAGES), help="language of the report and summary")
    for command in (gen, run):
        command.add_argument("--size", default="default", choices=sorted(SIZES))
        command.add_argument("--seed", type=int, default=7)
    gen.add_argument("--reference-date", type=date.fromisoformat, default=date(2026, 10, 31),
                     help="the company's 'today', YYYY-MM-DD")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        from demo_company.main_job import run_main_job  # the job pulls in every capability

        run_main_job(out_dir=args.out, size=args.size, seed=args.seed, lang=args.lang)
        return 0
    started = time.perf_counter()
    company = generate(seed=args.seed, size=args.size, reference_date=args.reference_date)
    generated = time.perf_counter() - started
    directory = company.write_csv(args.out)
    for table, rows in company.row_counts().items():
        print(f"{table:<14}{rows:>9,}")
    print(f"generated in {generated:.1f} s, written to {directory} in "
          f"{time.perf_counter() - started - generated:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
