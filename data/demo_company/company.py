"""The generated company as a set of typed tables (:mod:`crm_bridge.tables.schema`), and its CSV form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.schema import HIDDEN_TABLES, RECORD_TABLES, TABLES, CompanyTables, conform

__all__ = ["DemoCompany"]


@dataclass
class DemoCompany(CompanyTables):
    """A generated company: one DataFrame per table of the schema.

    ``promise_checks`` and ``ticket_effort`` are the records the suite keeps
    beside the company tables (:data:`~crm_bridge.tables.schema.RECORD_TABLES`).
    ``truth``, ``product_truth``, ``lost_sales_truth`` and ``ticket_truth`` are
    the generator's hidden ground truth: tests, benchmarks and the response
    simulation read them, models never do.
    """

    truth: pd.DataFrame
    product_truth: pd.DataFrame
    seed: int
    size: str
    promise_checks: pd.DataFrame
    ticket_effort: pd.DataFrame
    lost_sales_truth: pd.DataFrame
    ticket_truth: pd.DataFrame

    def record_tables(self) -> dict[str, pd.DataFrame]:
        """The records kept beside the company tables, by name."""
        return {name: getattr(self, name) for name in RECORD_TABLES}

    def hidden_tables(self) -> dict[str, pd.DataFrame]:
        """The generator's ground truth (never a model input)."""
        return {name: getattr(self, name) for name in HIDDEN_TABLES}

    def row_counts(self) -> dict[str, int]:
        """Number of rows per table, public and hidden."""
        tables = {**self.public_tables(), **self.record_tables(), **self.hidden_tables()}
        return {name: len(frame) for name, frame in tables.items()}

    def write_csv(self, directory: str | Path) -> Path:
        """Write ``<table>.csv`` files (public and record tables), the hidden ones under ``hidden/``, and a manifest.

        Returns
        -------
        pathlib.Path
            The directory written to.
        """
        directory = Path(directory)
        (directory / "hidden").mkdir(parents=True, exist_ok=True)
        for name, frame in {**self.public_tables(), **self.record_tables()}.items():
            frame.to_csv(directory / f"{name}.csv", index=False, date_format="%Y-%m-%d")
        for name, frame in self.hidden_tables().items():
            frame.to_csv(directory / "hidden" / f"{name}.csv", index=False, date_format="%Y-%m-%d")
        manifest = {"seed": self.seed, "size": self.size,
                    "reference_date": self.reference_date.isoformat(), "row_counts": self.row_counts()}
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load_csv(cls, directory: str | Path) -> DemoCompany:
        """Read a company written by :meth:`write_csv`, with the schema's types.

        Raises
        ------
        ValidationError
            If the manifest or a table is missing or malformed.
        """
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise ValidationError(f"No manifest.json in {directory}.", code="missing_manifest",
                                  field="directory")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        tables = {}
        for name in (*TABLES, *RECORD_TABLES, *HIDDEN_TABLES):
            path = directory / ("hidden" if name in HIDDEN_TABLES else "") / f"{name}.csv"
            if not path.is_file():
                raise ValidationError(f"Missing table file {path}.", code="missing_table", field=name)
            tables[name] = conform(name, pd.read_csv(path, dtype=str, keep_default_na=False,
                                                     na_values=[""]))
        return cls(**tables, reference_date=date.fromisoformat(manifest["reference_date"]),
                   seed=int(manifest["seed"]), size=str(manifest["size"]))

