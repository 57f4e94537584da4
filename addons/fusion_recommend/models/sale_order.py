from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models, tools

from ai_insights.actions.offers import OFFER_DAYS
from ai_insights.recommend.complements import CoPurchase, honour_filter
from crm_bridge.contract.reasons import Reason, render
from crm_bridge.tables.odoo import customer_segment

HISTORY_DAYS = 730  # the co-purchases and repurchase cycles are learned from this many days of confirmed orders
SUGGESTIONS = 10


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fusion_suggestion_ids = fields.One2many("fusion.sale.suggestion", "order_id", "Suggested lines")

    def action_fusion_suggest_lines(self):
        """Suggest lines for these quotations: complements of their lines and the customer's due repurchases."""
        today = fields.Date.context_today(self)
        for order in self:
            suggestions = self._get_fusion_line_suggestions(
                order.company_id, order.warehouse_id, order.partner_id.commercial_partner_id,
                order.order_line.product_id.ids, order._get_fusion_commitment_day() or today + timedelta(
                    days=OFFER_DAYS), today, exclude_order_ids=order.ids, pricelist=order.pricelist_id)
            order.fusion_suggestion_ids.unlink()
            # The reasons are kept as codes and figures (reason_data) and read in each reader's language
            self.env["fusion.sale.suggestion"].create([
                {**{key: value for key, value in row.items() if key != "reason"}, "order_id": order.id,
                 "sequence": position} for position, row in enumerate(suggestions)])
        return True

    @api.model
    def _get_fusion_line_suggestions(self, company, warehouse, customer, product_ids, date_asked, today,
                                     exclude_order_ids=(), k=SUGGESTIONS, pricelist=None):
        """Products to add to a basket of ``product_ids`` for ``customer``, each with why and its availability.

        The ranking is the core's :class:`ai_insights.recommend.complements.CoPurchase`
        learned from the company's confirmed orders; :func:`~ai_insights.recommend.complements.honour_filter`
        keeps what the warehouse's promise engine delivers by ``date_asked``,
        what stays above the company's margin floor and is in stock, and
        drops what the customer just returned. Company-wide facts, read as
        superuser within the company. One call serves the quotation and the
        bridge.

        Prices and the amounts in the reasons are in ``pricelist``'s currency
        at its prices (the quotation's), else in the company's at the
        products' sales prices (the bridge's); the margin floor is checked in
        that currency, on the cost converted to it.

        Returns
        -------
        list of dict
            ``product_id``, ``source``, ``available``, ``filter_reason``,
            ``promised_date``, ``price_unit``, ``reason_data`` (why and
            whether it can be offered: :meth:`_get_fusion_suggestion_reasons`)
            and ``reason`` (those reasons in the user's words), the available
            ones first.
        """
        model = self.sudo().with_company(company)
        recommender = model._get_fusion_recommender(company, today)
        if recommender is None:
            return []
        ranked = recommender.suggest(product_ids, customer.id or None, today, k=k)
        if ranked.empty:
            return []
        products = model.env["product.product"].browse(ranked["product_id"].tolist())
        engine = warehouse.sudo().with_company(company)._get_fusion_promise_engine(products, today, exclude_order_ids)
        currency = pricelist.currency_id if pricelist else company.currency_id
        table = model._get_fusion_suggestion_products(products, company, today, pricelist)
        honoured = honour_filter(ranked, table, engine, company._get_fusion_pricing_policy(products.categ_id),
                                 date_asked,
                                 refused=customer._get_fusion_recently_refused(company, today) if customer else set())
        honoured = honoured.sort_values("available", ascending=False, kind="stable")
        names = {product.id: product.display_name for product in model.env["product.product"].browse(
            [int(p) for p in honoured["anchor_product_id"] if p > 0])}
        reasons = [self._get_fusion_suggestion_reasons(row, names) for row in honoured.itertuples(index=False)]
        texts = self.env["fusion.sale.suggestion"]._get_fusion_suggestion_reason_texts(
            reasons, [currency] * len(reasons))
        return [{
            "product_id": int(row.product_id), "source": str(row.source), "available": bool(row.available),
            "filter_reason": str(row.filter_reason),
            "promised_date": row.promised_date.date() if pd.notna(row.promised_date) else False,
            "price_unit": float(row.price) if np.isfinite(row.price) else 0.0,
            "reason_data": row_reasons, "reason": text,
        } for row, row_reasons, text in zip(honoured.itertuples(index=False), reasons, texts, strict=True)]

    @api.model
    def _get_fusion_recommender(self, company, today):
        """The co-purchase recommender of ``company`` on ``today``, learnt once and kept while its data holds.

        Learning reads two years of order lines; a suggestion only needs the
        learnt model. It is kept per company and day (the time decay counts
        from today) and relearnt when :meth:`_get_fusion_recommender_stamp`
        changes: an order confirmed or cancelled, a product added or
        recategorised. Returns None when the company has sold nothing yet.
        """
        return self._get_fusion_recommender_cached(company.id, today, self._get_fusion_recommender_stamp(company))

    @api.model
    def _get_fusion_recommender_stamp(self, company):
        """What the learnt co-purchases depend on, in two grouped reads: a change means relearning.

        The count and latest change of the company's confirmed orders (a
        confirmation, cancellation or edit of one moves them), and of the
        saleable products (the category fall-backs).
        """
        orders = self.env["sale.order"].sudo()._read_group(
            [("company_id", "=", company.id), ("state", "=", "sale")], [], ["__count", "write_date:max"])[0]
        products = self.env["product.product"].sudo()._read_group(
            [("company_id", "in", (False, company.id))], [], ["__count", "write_date:max"])[0]
        return (*orders, *products)

    @tools.ormcache("company_id", "today", "stamp")
    def _get_fusion_recommender_cached(self, company_id, today, stamp):
        """The recommender learnt by :meth:`_learn_fusion_recommender`, cached on (company, day, data stamp)."""
        return self.sudo()._learn_fusion_recommender(self.env["res.company"].browse(company_id), today)

    @api.model
    def _learn_fusion_recommender(self, company, today):
        """The co-purchase recommender fitted on the company's confirmed orders of the last ``HISTORY_DAYS``.

        Returns None when the company has sold nothing yet. Three reads: the
        lines, their orders' dates and the saleable products.
        """
        since = fields.Datetime.to_datetime(today - timedelta(days=HISTORY_DAYS))
        orders = self.env["sale.order"].search_read(
            [("company_id", "=", company.id), ("state", "=", "sale"), ("date_order", ">=", since)],
            ["partner_id", "date_order"])
        if not orders:
            return None
        lines = self.env["sale.order.line"].search_read(
            [("order_id", "in", [order["id"] for order in orders]), ("product_id", "!=", False),
             ("display_type", "=", False)], ["order_id", "product_id"])
        buyers = self.env["res.partner"].browse({order["partner_id"][0] for order in orders})
        commercial = {buyer.id: buyer.commercial_partner_id.id for buyer in buyers}
        order_of = {order["id"]: order for order in orders}
        frame = pd.DataFrame({
            "customer_id": [commercial[order_of[line["order_id"][0]]["partner_id"][0]] for line in lines],
            "order_id": [line["order_id"][0] for line in lines],
            "date": [order_of[line["order_id"][0]]["date_order"] for line in lines],
            "product_id": [line["product_id"][0] for line in lines],
        })
        catalogue = self.env["product.product"].search_read(
            [("sale_ok", "=", True), ("company_id", "in", (False, company.id))], ["categ_id"])
        products = pd.DataFrame({"product_id": [row["id"] for row in catalogue],
                                 "category": [str(row["categ_id"][0]) for row in catalogue]})
        segments = pd.DataFrame({"customer_id": list(commercial.values()),
                                 "segment": [customer_segment(buyer.commercial_partner_id.is_company)
                                             for buyer in buyers]})
        return CoPurchase().fit(frame, products, segments.drop_duplicates("customer_id"),
                                today=today + timedelta(days=1))

    @api.model
    def _get_fusion_suggestion_products(self, products, company, today, pricelist=None):
        """The products table of ``honour_filter``: cost, price, kind, category, days of cover and free stock.

        The price is ``pricelist``'s for one unit on ``today``, in its currency (rounded to it), and the cost is
        converted to that currency at the day's rate (one rate for all products); without a pricelist, the sales
        price and the cost in the company's currency.
        """
        cover = products._get_fusion_cover(company, today).days
        cost = np.asarray(products.mapped("standard_price"), dtype=float)
        if pricelist:
            currency = pricelist.currency_id
            cost = cost * company.currency_id._get_conversion_rate(company.currency_id, currency, company, today)
            prices = pricelist._get_products_price(products, 1.0, currency=currency, date=today)
            price = [currency.round(prices[product.id]) for product in products]  # as shown and as written
        else:
            price = products.mapped("lst_price")
        return pd.DataFrame({
            "product_id": products.ids,
            "cost": cost,
            "list_price": price,
            "type": ["storable" if product.is_storable else product.type for product in products],
            "category": [str(product.categ_id.id) for product in products],
            "cover_days": cover,
            "free_qty": products.mapped("free_qty"),
        })

    @api.model
    def _get_fusion_suggestion_reasons(self, row, names):
        """Why a suggested product (a row of ``honour_filter``) is suggested and whether it can be offered.

        Two core reasons (``crm_bridge.contract.reasons``: a ``suggestion_*`` code, its figures and the English
        sentence): the why (repurchase cycle, complement of a product with its lift, category, popular in the
        segment) and the offer (delivery date and price, or why it is not offered). Stored as they are and
        rendered when read (:meth:`fusion.sale.suggestion._get_fusion_suggestion_reason_texts`), so each reader
        reads them in their own language and formats. ``names``: the anchor products' names, {id: name}.
        """
        anchor = int(row.anchor_product_id)
        if row.source == "repurchase" and np.isfinite(row.cycle_days):
            why = {"cycle_days": round(float(row.cycle_days)), "days_since": round(float(row.days_since))}
        elif row.source == "complement" and anchor > 0:
            why = {"product": names.get(anchor, ""), "product_id": anchor, "lift": round(float(row.lift), 2)}
        else:
            why = {}
        promised = {"promised_date": row.promised_date.date()} if pd.notna(row.promised_date) else {}
        offer = {**promised, "price": float(row.price)} if row.available else promised
        return [_core_reason(f"suggestion_{row.source}", why),
                _core_reason(f"suggestion_{row.filter_reason}", offer)]


def _core_reason(code, params):
    """A core reason as stored (``Reason.to_dict``), its English sentence rendered from its phrase."""
    reason = Reason(code, "", params).to_dict()
    return {**reason, "message": render(reason)}
