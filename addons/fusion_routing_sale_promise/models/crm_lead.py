from odoo import api, fields, models

from odoo.addons.fusion_routing.models.crm_lead import NO_CATEGORY

from crm_bridge.promise.warehouse import choose_warehouses


class CrmLead(models.Model):
    _inherit = "crm.lead"

    fusion_product_ids = fields.Many2many(
        "product.product", "fusion_crm_lead_product_rel", "lead_id", "product_id", string="Products of interest",
        help="What the lead asks for: routing prefers who sells these products' category, and operations say when "
        "they can deliver them.")
    # Not stored: stock, receipts and shipping capacity move all the time, as for a quotation's promise.
    fusion_earliest_date = fields.Date(
        string="Earliest delivery", compute="_compute_fusion_earliest_date",
        help="The earliest day one of each product of interest can be delivered, from the warehouse that can do it "
        "soonest (stock, receipts, replenishment, shipping calendar and capacity).")
    fusion_delivery_late = fields.Boolean(
        string="Cannot be delivered in time", compute="_compute_fusion_earliest_date",
        help="The earliest delivery is after the lead's expected closing date.")

    @api.depends("fusion_product_ids", "company_id", "date_deadline")
    def _compute_fusion_earliest_date(self):
        earliest = self._get_fusion_earliest_dates()
        for lead in self:
            lead.fusion_earliest_date = earliest.get(lead, False)
            lead.fusion_delivery_late = bool(lead.fusion_earliest_date and lead.date_deadline
                                             and lead.fusion_earliest_date > lead.date_deadline)

    def _get_fusion_earliest_dates(self):
        """{lead: the earliest day one of each of its products of interest can be delivered}.

        The same rule as a quotation's warehouse proposal: per company, one
        promise engine per warehouse (``stock.warehouse._get_fusion_promise_engine``)
        for the products of all these leads, and the core's ranking
        (``crm_bridge.promise.warehouse.choose_warehouses``, a lead being an
        order of one unit of each product); the best warehouse's date. Stock
        and capacity are read as superuser within the company, as the promise
        reads them. Leads without products, or no date can deliver, are absent.
        """
        today = fields.Date.context_today(self)
        result = {}
        asking = self.filtered("fusion_product_ids")
        for company, leads in asking.grouped(lambda lead: lead.company_id or self.env.company).items():
            warehouses = self.env["stock.warehouse"].sudo().with_company(company).search(
                [("company_id", "=", company.id)])
            if not warehouses:
                continue
            keys, product_ids = [], []
            for key, lead in enumerate(leads):
                products = lead.fusion_product_ids.ids
                keys += [key] * len(products)
                product_ids += products
            products = self.env["product.product"].sudo().with_company(company).browse(dict.fromkeys(product_ids))
            engines = {warehouse.id: warehouse._get_fusion_promise_engine(products, today)
                       for warehouse in warehouses}
            choices = choose_warehouses(engines, product_ids, [1.0] * len(product_ids), keys)
            result.update({leads[key]: choice.best.promised_date for key, choice in choices.items()
                           if choice.best.promised_date})
        return result

    def _prepare_fusion_routing_leads(self, with_outcome=False):
        """The routing table with what the lead asks for: the first product of interest's category.

        When it can arrive is not a routing reason: the lead's own warning
        (``fusion_delivery_late``) says it, once.
        """
        frame = super()._prepare_fusion_routing_leads(with_outcome)
        frame["category"] = [str(lead.fusion_product_ids[:1].categ_id.id) if lead.fusion_product_ids
                             else NO_CATEGORY for lead in self]
        return frame
