import numpy as np
import pandas as pd

from odoo import api, fields, models, tools

from ai_insights.churn.features import FEATURES, build_features

NO_HISTORY = 0  # no partner has this id: its row is what the features say of a customer without any history
# A feature the customer has no value of (no order yet, no ticket in the company) is this, below any real value:
# a tree splits it apart as it would a missing value, and a column with no value at all (which the histogram
# gradient boosting of the uplift learner fails to bin) becomes constant.
MISSING = -1e9


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _get_fusion_uplift_features(self, company, subjects):
        """The churn risk, then the churn model's declared features (``ai_insights.churn.features``).

        The features are those the core's uplift learner reads
        (``benchmarks/recommend``): the customer's orders, lines, invoices,
        tickets and interactions before the day. A decision's features are
        read as of its own day (the action's or the control assignment's
        date: what was known when it was decided), from one read of the
        company's tables (:meth:`_get_fusion_uplift_features_as_of`).
        Today's features of every customer are kept per company, day and
        order data (:meth:`_get_fusion_uplift_features_today`), so the
        partner form does not read the tables again.
        """
        risk = super()._get_fusion_uplift_features(company, subjects)
        today = fields.Date.context_today(self)
        days = pd.to_datetime(subjects["as_of"]).dt.normalize()
        customer_ids = subjects["customer_id"].to_numpy(np.int64)
        if (days == pd.Timestamp(today)).all():
            stamp = self.env["sale.order"]._get_fusion_recommender_stamp(company)
            known = self._get_fusion_uplift_features_today(company.id, today, stamp)
            rows = known.reindex(customer_ids).to_numpy(float)
            rows[~np.isin(customer_ids, known.index)] = known.loc[NO_HISTORY].to_numpy(float)
            return np.column_stack([risk, np.nan_to_num(rows, nan=MISSING)])
        tables = self.env["fusion.churn.dataset"].sudo()._get_fusion_tables(company)
        rows = self._get_fusion_uplift_features_as_of(tables, customer_ids, days.to_numpy())
        return np.column_stack([risk, np.nan_to_num(rows, nan=MISSING)])

    @api.model
    def _get_fusion_uplift_features_as_of(self, tables, customer_ids, days):
        """Each customer's churn features as of their own day: an array, one row per (customer, day) pair.

        One call of the core's ``build_features`` for every pair: each pair
        gets its own copy of its customer's rows (orders and their lines,
        invoices, tickets, interactions), every date in them moved by the
        days from the pair's day to the latest day. The features read dates
        only against the cut-off, so a copy seen at the latest day is its
        customer seen at the pair's day, and rows dated on or after that day
        stay out as they would.
        """
        if not len(customer_ids):
            return np.empty((0, len(FEATURES)))
        cutoff = pd.Timestamp(np.max(days))
        pairs = pd.DataFrame({"customer_id": customer_ids, "pair": np.arange(len(customer_ids)),
                              "shift": cutoff - pd.DatetimeIndex(days)})
        copies = {}
        for name, table in tables.items():
            if table is None or "customer_id" not in table:
                copies[name] = table
                continue
            copy = table.merge(pairs, on="customer_id", how="inner")
            for column, kind in table.dtypes.items():
                if pd.api.types.is_datetime64_any_dtype(kind):
                    copy[column] += copy["shift"]
            copies[name] = copy.assign(customer_id=copy["pair"]).drop(columns=["pair", "shift"])
        # Each pair's copy of an order gets an id of its own, and its lines follow it.
        orders = copies["orders"]
        copies["orders"] = orders.assign(order_id=np.arange(len(orders)))
        copies["order_lines"] = tables["order_lines"].merge(
            pd.DataFrame({"order_id": orders["order_id"].to_numpy(), "pair_order_id": np.arange(len(orders))}),
            on="order_id", how="inner").assign(order_id=lambda lines: lines["pair_order_id"]).drop(
            columns="pair_order_id")
        return build_features(copies, cutoff, customer_ids=pairs["pair"].to_numpy()).to_numpy(float)

    @tools.ormcache("company_id", "today", "stamp")
    def _get_fusion_uplift_features_today(self, company_id, today, stamp):
        """Today's features of the customers in the company's tables, and of one without history (``NO_HISTORY``).

        The customers are those any table (orders, invoices, tickets...) names.

        Kept while the company's orders and products do not change (``stamp``).
        """
        company = self.env["res.company"].browse(company_id)
        tables = self.env["fusion.churn.dataset"].sudo()._get_fusion_tables(company)
        customers = [table["customer_id"].dropna().to_numpy(np.int64) for table in tables.values()
                     if table is not None and "customer_id" in table]
        return build_features(tables, pd.Timestamp(today), customer_ids=np.unique(np.concatenate(
            [*customers, [NO_HISTORY]])))
