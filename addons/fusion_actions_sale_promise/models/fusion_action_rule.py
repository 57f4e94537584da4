import numpy as np
import pandas as pd

from odoo import models

BROKEN_STATUSES = ("partial", "late", "impossible")


class FusionActionRule(models.Model):
    _inherit = "fusion.action.rule"

    def _get_fusion_action_signals(self, trigger, company, today):
        """Late-promise rules check the company's confirmed, undelivered orders that have a promised date.

        One search and one batch evaluation (the promise fields are computed
        for the whole recordset); each order whose promise is partial, late or
        impossible is an event of its customer (``sale.order,<id>``, its own
        episode). Pushed signals about other events still count.
        """
        signals = super()._get_fusion_action_signals(trigger, company, today)
        if trigger != "late_promise":
            return signals
        # The rules' runner (the scheduler, a manager) acts for the whole company, whatever its sales rights.
        # Only a date promised to the customer can be broken: without one, "late" is information only.
        orders = self.env["sale.order"].sudo().with_company(company).search(
            [("company_id", "=", company.id), ("state", "=", "sale"), ("delivery_status", "!=", "full"),
             ("commitment_date", "!=", False)])
        if not orders:
            return signals
        lines = orders.order_line
        lines.mapped("fusion_exception")  # evaluates every line of every order in one batch
        late = orders.filtered(lambda order: order.fusion_promise_status in BROKEN_STATUSES)
        if not late:
            return signals
        reasons = []
        for order in late:
            details = order.fusion_promise_alert or "\n".join(
                line.fusion_exception or line.fusion_promise_reasons or ""
                for line in order.order_line if line.fusion_exception or line.fusion_promise_reasons)
            reasons.append(self.env._("Order %(order)s: %(status)s", order=order.name,
                                      status=dict(order._fields["fusion_promise_status"].selection)[
                                          order.fusion_promise_status])
                           + ("\n" + details if details else ""))
        frame = pd.DataFrame({
            "subject_id": [order.partner_id.id for order in late],
            "late_promise": 1.0,
            "churn_risk": np.nan,
            "clv": np.nan,
            "event_ref": [f"sale.order,{order.id}" for order in late],
            "model_version": "promise check",
            "reasons": reasons,
        })
        if signals.empty:
            return frame
        return pd.concat([frame, signals[~signals["event_ref"].isin(frame["event_ref"])]], ignore_index=True)
