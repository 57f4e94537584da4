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
        read as of the first day of its month (what was known before it; one
        pass over the company's tables per month of decisions, not per day).
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
        months = days.dt.to_period("M").dt.to_timestamp().to_numpy()
        tables = self.env["fusion.churn.dataset"].sudo()._get_fusion_tables(company)
        rows = np.full((len(subjects), len(FEATURES)), np.nan)
        for month in np.unique(months):
            at = np.flatnonzero(months == month)
            rows[at] = build_features(tables, pd.Timestamp(month), customer_ids=customer_ids[at]).reindex(
                customer_ids[at]).to_numpy(float)
        return np.column_stack([risk, np.nan_to_num(rows, nan=MISSING)])

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
