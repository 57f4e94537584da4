import pandas as pd

from odoo import api, models

from crm_bridge.cockpit.measures import MEASURES, cockpit_figures
from crm_bridge.contract import schemas


class FusionBridge(models.AbstractModel):
    _inherit = "fusion.bridge"

    @api.model
    def cockpit_figures(self, months=False, by=None):
        """The cockpit's figures of the source's company: ``figures``, one per measure and group of ``by``.

        ``months``: ``"YYYY-MM"`` strings (``False``: every month the cockpit keeps); ``by``: drawn from
        ``month`` and ``segment`` (default ``["month"]``; ``[]``: the company as a whole). Each figure
        carries its label, unit, evidence (measured or estimated), the sums behind it and how many
        records. The same figures the Sales reporting shows: the core adds up the stored rows.
        """

        def work(bridge, source):
            firsts, dimensions = schemas.validate_cockpit_query(months, ["month"] if by is None else by)
            return {"figures": bridge._get_fusion_cockpit_figures(source.company_id, firsts, dimensions)}

        return self._call("cockpit_figures", work)

    @api.model
    def _get_fusion_cockpit_figures(self, company, firsts, dimensions):
        domain = [("company_id", "=", company.id)] + ([("month", "in", firsts)] if firsts else [])
        rows = self.env["fusion.cockpit.measure"].search_read(
            domain, ["measure", "month", "segment", "value", "base", "record_count"])
        if not rows:
            return []
        frame = pd.DataFrame(rows).rename(columns={"record_count": "records"})
        frame["month"] = frame["month"].map(lambda day: day.strftime("%Y-%m") if day else "")
        frame["segment"] = frame["segment"].map(lambda segment: segment or "")
        figures = cockpit_figures(frame, by=dimensions)
        return [{
            **{name: getattr(cell, name) for name in dimensions},
            "measure": cell.measure, "label": MEASURES[cell.measure].label, "unit": MEASURES[cell.measure].unit,
            "evidence": MEASURES[cell.measure].evidence,
            "figure": float(cell.figure) if pd.notna(cell.figure) else False,
            "value": float(cell.value), "base": float(cell.base), "records": int(cell.records),
        } for cell in figures.itertuples(index=False)]
