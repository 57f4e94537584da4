from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.fusion_sale_promise.models.sale_order import LINE_DEPENDENCIES

from crm_bridge.promise.uom import convert_qty
from crm_bridge.promise.warehouse import choose_warehouses

# Only a quotation's warehouse is open to a proposal: a confirmed order has its deliveries.
QUOTATION_STATES = ("draft", "sent")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Not stored: stock, capacity and bookings move all the time, as for the promise itself.
    fusion_proposed_warehouse_id = fields.Many2one(
        "stock.warehouse", string="Better warehouse", compute="_compute_fusion_warehouse_proposal",
        help="The warehouse that can deliver this quotation sooner than its own, or as soon for less shipping cost "
        "or in fewer shipments; empty when its own warehouse is the best.",
    )
    fusion_warehouse_reason = fields.Char(
        string="Why this warehouse", compute="_compute_fusion_warehouse_proposal",
        help="What the proposed warehouse wins over the quotation's own: the delivery date, the shipping cost or "
        "the shipments.",
    )

    @api.depends(*(f"order_line.{name}" for name in LINE_DEPENDENCIES), "order_line", "commitment_date", "state",
                 "warehouse_id", "company_id", "partner_id")
    def _compute_fusion_warehouse_proposal(self):
        choices = self._get_fusion_warehouse_choices()
        Warehouse = self.env["stock.warehouse"]
        for order in self:
            choice = choices.get(order)
            proposed = choice and choice.proposed_id
            order.fusion_proposed_warehouse_id = Warehouse.browse(proposed) if proposed else False
            order.fusion_warehouse_reason = order._get_fusion_reason_text(choice.reason) if proposed else False

    def _get_fusion_candidate_warehouses(self, companies):
        """{company: its warehouses that may ship its quotations}: every active one.

        Hook: a company may restrict the candidates (a region, a type of
        goods). Read as superuser: which warehouses exist is a company fact.
        """
        candidates = defaultdict(lambda: self.env["stock.warehouse"])
        for warehouse in self.env["stock.warehouse"].sudo().search([("company_id", "in", companies.ids)]):
            candidates[warehouse.company_id] |= warehouse
        return candidates

    def _get_fusion_warehouse_choices(self):
        """{order: ``crm_bridge.promise.warehouse.WarehouseChoice``} for the quotations among these.

        Per company with two warehouses or more: the lines of all its
        quotations (``_get_fusion_line_specs``, asked for their commitment
        day), one promise engine per candidate warehouse
        (``stock.warehouse._get_fusion_promise_engine``) with the allocation
        of each (``_get_fusion_allocated_qty``), and the core's ranking with
        each warehouse's shipping cost and the company's cost of an extra
        shipment, whatever the number of quotations. Stock and capacity are read as
        superuser within the company, as the promise reads them.
        """
        today = fields.Date.context_today(self)
        by_company = defaultdict(list)
        for order in self:
            if order.state in QUOTATION_STATES and order.company_id:
                by_company[order.company_id].append(order)
        if not by_company:
            return {}
        candidates = self._get_fusion_candidate_warehouses(self.env["res.company"].union(*by_company))
        choices = {}
        for company, orders in by_company.items():
            warehouses = candidates[company]
            if len(warehouses) < 2:
                continue
            specs = []
            for key, order in enumerate(orders):
                specs += order._get_fusion_line_specs(key)[1]
            if not specs:
                continue
            model = self.sudo().with_company(company)
            products = model.env["product.product"].browse(dict.fromkeys(spec.product.id for spec in specs))
            exclude = [order._origin.id for order in orders if order._origin.id]
            partners = [order.partner_id for order in orders]
            engines, allocated = {}, {}
            for warehouse in warehouses.sudo().with_company(company):
                engines[warehouse.id] = warehouse._get_fusion_promise_engine(products, today, exclude)
                allocated[warehouse.id] = model._get_fusion_allocated_qty(warehouse, partners, specs, today)
            by_key = choose_warehouses(
                engines,
                [spec.product.id for spec in specs],
                [convert_qty(spec.qty, spec.uom.factor, spec.product.uom_id.factor) for spec in specs],
                [spec.key for spec in specs],
                commitment=[spec.date_asked for spec in specs],
                current={key: order.warehouse_id.id or None for key, order in enumerate(orders)},
                allocated_qty={wid: qty for wid, qty in allocated.items() if qty is not None},
                shipping_cost={warehouse.id: warehouse.fusion_shipping_cost for warehouse in warehouses},
                split_cost=company.fusion_split_cost,
            )
            choices.update({orders[key]: choice for key, choice in by_key.items()})
        return choices

    def action_fusion_apply_warehouse(self):
        """Give each quotation its proposed warehouse, as computed now, and log why in its chatter."""
        proposals = {order: (order.fusion_proposed_warehouse_id, order.fusion_warehouse_reason) for order in self}
        for order, (warehouse, reason) in proposals.items():
            if order.state not in QUOTATION_STATES or not warehouse:
                raise UserError(self.env._(
                    "%(order)s has no better warehouse to apply: its own delivers it soonest, or it is no longer "
                    "a quotation.", order=order.display_name))
            previous = order.warehouse_id
            order.warehouse_id = warehouse
            order.message_post(body=Markup("%s") % self.env._(
                "Warehouse changed from %(previous)s to %(warehouse)s: %(reason)s",
                previous=previous.display_name or "-", warehouse=warehouse.display_name, reason=reason))
        return True
