"""The generated company as a set of typed tables, and its CSV form.

Column types follow :mod:`crm_bridge.tables.schema`: ``int`` ids are ``int64``
(pandas ``Int64`` when the column may be empty, e.g. a prospect lead's
``customer_id``), ``float`` is ``float64`` (empty = NaN), ``str`` is
pandas' string dtype, ``category`` is ``category``, ``bool`` is ``bool`` and
``date`` is ``datetime64[ns]`` at midnight (empty = NaT).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.odoo import CompanyTables
from crm_bridge.tables.schema import HIDDEN_TABLES, TABLES, Column

__all__ = ["DemoCompany", "conform"]

_NULLABLE_INTS = {("leads", "customer_id"), ("leads", "product_id"),
                  ("tickets", "order_id"), ("tickets", "product_id")}


def _conform_column(table: str, column: Column, values: pd.Series) -> pd.Series:
    kind = column.dtype
    if kind == "int":
        if (table, column.name) in _NULLABLE_INTS:
            return pd.to_numeric(values).astype("Int64")
        return pd.to_numeric(values).astype("int64")
    if kind == "float":
        return pd.to_numeric(values).astype("float64")
    if kind == "bool":
        if values.dtype == bool:
            return values
        return values.astype(str).str.lower().map({"true": True, "false": False}).astype(bool)
    if kind == "date":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if kind == "category":
        return values.astype("str").astype("category")
    return values.astype("str")


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Select and type ``frame``'s columns exactly as the schema of ``table`` says.

    Raises
    ------
    ValidationError
        If ``table`` is unknown or a schema column is missing.
    """
    spec = TABLES.get(table) or HIDDEN_TABLES.get(table)
    if spec is None:
        raise ValidationError(f"Unknown table {table!r}.", code="unknown_table", field="table")
    missing = [column.name for column in spec if column.name not in frame.columns]
    if missing:
        raise ValidationError(f"Table {table!r} lacks columns {missing}.", code="missing_columns",
                              field=table, details={"missing": missing})
    return pd.DataFrame(
        {column.name: _conform_column(table, column, frame[column.name]) for column in spec}
    ).reset_index(drop=True)


@dataclass
class DemoCompany(CompanyTables):
    """A generated company: one DataFrame per table of the schema.

    ``truth`` and ``product_truth`` are the generator's hidden ground truth:
    tests and the response simulation read them, models never do.
    """

    truth: pd.DataFrame
    product_truth: pd.DataFrame
    seed: int
    size: str

    def hidden_tables(self) -> dict[str, pd.DataFrame]:
        """The generator's ground truth (never a model input)."""
        return {name: getattr(self, name) for name in HIDDEN_TABLES}

    def row_counts(self) -> dict[str, int]:
        """Number of rows per table, public and hidden."""
        return {name: len(frame) for name, frame in {**self.public_tables(), **self.hidden_tables()}.items()}

    def write_csv(self, directory: str | Path) -> Path:
        """Write ``<table>.csv`` files, the hidden ones under ``hidden/``, and ``manifest.json``.

        Returns
        -------
        pathlib.Path
            The directory written to.
        """
        directory = Path(directory)
        (directory / "hidden").mkdir(parents=True, exist_ok=True)
        for name, frame in self.public_tables().items():
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
        for name in (*TABLES, *HIDDEN_TABLES):
            path = directory / ("hidden" if name in HIDDEN_TABLES else "") / f"{name}.csv"
            if not path.is_file():
                raise ValidationError(f"Missing table file {path}.", code="missing_table", field=name)
            tables[name] = conform(name, pd.read_csv(path, dtype=str, keep_default_na=False,
                                                     na_values=[""]))
        return cls(**tables, reference_date=date.fromisoformat(manifest["reference_date"]),
                   seed=int(manifest["seed"]), size=str(manifest["size"]))

