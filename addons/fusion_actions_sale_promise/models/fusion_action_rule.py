import numpy as np
import pandas as pd

from odoo import models

from ai_insights.actions.signals import merge_signals, signal_frame
from crm_bridge.promise.inputs import NO_DEMAND_COVER_DAYS

BROKEN_STATUSES = ("partial", "late", "impossible")
COVER_TRIGGERS = ("scarce_product", "overstock_product")


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
        if trigger in COVER_TRIGGERS:
            return self._get_fusion_cover_signals(trigger, company, signals)
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
        own = signal_frame(trigger, [order.partner_id.id for order in late], 1.0,
                           event_ref=[f"sale.order,{order.id}" for order in late], model_version="promise check",
                           reasons=reasons)
        return merge_signals(own, signals, key="event_ref")

    def _get_fusion_cover_signals(self, trigger, company, signals):
        """Days of cover of the company's storable products: free stock over the last 90 days' daily sales.

        The same free stock and demand the pricing guardrail reads (one query per
        warehouse and one for the demand); a product in stock that did not sell
        has ``NO_DEMAND_COVER_DAYS``. Pushed signals count for the other products.
        """
        products = self.env["product.product"].sudo().with_company(company).search(
            [("is_storable", "=", True), ("company_id", "in", [company.id, False])])
        free = pd.Series(0.0, index=products.ids)
        for warehouse in self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)]):
            free = free.add(pd.Series(warehouse._fusion_get_free_qty(products), dtype=float), fill_value=0.0)
        daily = pd.Series(products._fusion_get_daily_demand(company), dtype=float).reindex(free.index)
        cover = (free.clip(lower=0) / daily.where(daily > 0)).fillna(NO_DEMAND_COVER_DAYS)
        cover = cover[(daily > 0) | (free > 0)]  # neither stocked nor sold: nothing to say
        own = signal_frame(
            trigger, cover.index.to_numpy(), cover.round(1).to_numpy(), model_version="stock cover",
            reasons=[self.env._("%(free)s free, %(daily)s sold a day: %(days)s days of cover", free=round(free[pid], 1),
                                daily=round(daily[pid], 2) if daily[pid] > 0 else 0, days=round(cover[pid]))
                     for pid in cover.index],
        )
        return merge_signals(own, signals)
