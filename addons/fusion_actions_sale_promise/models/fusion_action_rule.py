from odoo import models

from ai_insights.actions.signals import merge_signals, signal_frame

COVER_TRIGGERS = ("scarce_product", "overstock_product")


class FusionActionRule(models.Model):
    _inherit = "fusion.action.rule"

    def _get_fusion_action_signals(self, trigger, company, today):
        """Late-promise rules check the company's confirmed, undelivered orders that have a promised date.

        One search and one batch evaluation; each order whose promise slipped
        (``sale.order._get_fusion_slipped_promises``, the rule the next best
        action's delivery notice follows too) is an event of its customer
        (``sale.order,<id>``, its own episode). Pushed signals about other
        events still count.
        """
        signals = super()._get_fusion_action_signals(trigger, company, today)
        if trigger in COVER_TRIGGERS:
            return self._get_fusion_cover_signals(trigger, company, today, signals)
        if trigger != "late_promise":
            return signals
        # The rules' runner (the scheduler, a manager) acts for the whole company, whatever its sales rights.
        # Only a date promised to the customer can be broken: without one, "late" is information only.
        orders = self.env["sale.order"].sudo().with_company(company).search(
            [("company_id", "=", company.id), ("state", "=", "sale"), ("delivery_status", "!=", "full"),
             ("commitment_date", "!=", False)])
        if not orders:
            return signals
        slipped = orders._get_fusion_slipped_promises()
        late = orders.filtered(lambda order: order in slipped)
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

    def _get_fusion_cover_signals(self, trigger, company, today, signals):
        """Days of cover of the company's storable products, the sale order's (``product._get_fusion_cover``).

        Free stock over the demand window's daily sales, read for the whole
        company; a product in stock that did not sell is overstock
        (``NO_DEMAND_COVER_DAYS``). Products neither stocked nor sold say
        nothing. Pushed signals count for the other products.
        """
        products = self.env["product.product"].sudo().with_company(company).search(
            [("is_storable", "=", True), ("company_id", "in", [company.id, False])])
        cover = products._get_fusion_cover(company, today)
        keep = [i for i, code in enumerate(cover.codes()) if code != "no_stock"]
        ids = products.ids
        own = signal_frame(
            trigger, [ids[i] for i in keep], [round(float(cover.days[i]), 1) for i in keep],
            model_version="stock cover", reasons=[products._get_fusion_cover_message(cover, i) for i in keep],
        )
        return merge_signals(own, signals)

    def _get_fusion_action_pricing_policy(self, products):
        """The company's pricing guardrail (``fusion_sale_promise``)."""
        return self.company_id._get_fusion_pricing_policy(products.categ_id)

    def _get_fusion_offer_cover(self, products, today):
        """The days of cover the sale order prices with (``product._get_fusion_cover``)."""
        return dict(zip(products.ids, products._get_fusion_cover(self.company_id, today).days))
