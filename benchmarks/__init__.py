"""Benchmarks: ``python -m benchmarks [NAME ...]``.

Each module ``benchmarks/NAME.py`` defines ``run()``, a generator of
``(figure, value)`` pairs; the runner prints one ``figure: value`` line per
pair as soon as it is measured. Ratios compare against a baseline measured in
the same process, because this machine is noisy.
"""
