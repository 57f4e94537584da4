import logging
from datetime import datetime, time, timedelta

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ai_insights.pricing import estimate_price_response, suggest_prices, weekly_history
from crm_bridge.contract.errors import ValidationError as CoreValidationError

_logger = logging.getLogger(__name__)

#: Weeks of sales the price response is learnt from.
HISTORY_WEEKS = 52
MANAGER_GROUP = "fusion_base.group_fusion_manager"


class FusionPriceProposal(models.Model):
    """A proposed price for one product of a pricelist, with its reasons; applied as a pricelist rule that expires.

    The decision is the core's (``ai_insights.pricing.suggest.suggest_prices``,
    inside ``crm_bridge.pricing.guardrail``); this model gathers the inputs with
    batched reads, keeps the proposal, applies it as a ``product.pricelist.item``
    and logs every change (``fusion.price.change``) so that it can be reverted.
    """

    _name = "fusion.price.proposal"
    _inherit = ["fusion.company.cron.mixin"]
    _description = "ERP-CRM Fusion price proposal"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    pricelist_id = fields.Many2one("product.pricelist", required=True, check_company=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="pricelist_id.currency_id")
    date = fields.Datetime(string="Proposed on", default=fields.Datetime.now, required=True)
    date_end = fields.Date(string="Valid until", required=True)
    state = fields.Selection(
        [("proposed", "Proposed"), ("applied", "Applied"), ("rejected", "Rejected"), ("reverted", "Reverted"),
         ("replaced", "Replaced"), ("control", "Control (old price kept)")],
        default="proposed", required=True, index=True,
    )
    list_price = fields.Monetary(string="List price")
    current_price = fields.Monetary(string="Current price")
    proposed_price = fields.Monetary(string="Proposed price")
    discount = fields.Float(string="Discount (%)", digits=(16, 1))
    max_discount = fields.Float(string="Max. discount (%)", digits=(16, 1),
                                help="The most the pricing guardrail allows for this product now.")
    floor_price = fields.Monetary(string="Floor price")
    elasticity = fields.Float(digits=(16, 2), help="Estimated % more sold for 1% off (negative: sells more).")
    elasticity_sd = fields.Float(string="Elasticity uncertainty", digits=(16, 2))
    expected_volume_change = fields.Float(string="Expected volume (%)", digits=(16, 1))
    expected_margin_change = fields.Float(string="Expected margin (%)", digits=(16, 1))
    reason = fields.Text(
        "Reason (as written then)", readonly=True,
        help="The reasons in words of a proposal made before they were kept as codes.")
    reason_data = fields.Json(
        "Reasons (codes)", readonly=True,
        help="The core's reasons for this price, as codes and figures: rendered in the reader's language when read.")
    reason_text = fields.Text(
        "Reason", compute="_compute_reason_text",
        help="Why this price is proposed, one reason a line, in your language.")
    item_id = fields.Many2one("product.pricelist.item", string="Pricelist rule", readonly=True, ondelete="set null")
    previous_id = fields.Many2one("fusion.price.proposal", string="Replaced proposal", readonly=True)
    previous_date_end = fields.Datetime(readonly=True)
    change_ids = fields.One2many("fusion.price.change", "proposal_id", string="Changes")

    @api.depends("reason_data", "reason", "currency_id")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        """The reasons in the reader's language and formats, amounts in the pricelist's currency.

        Rendered from ``reason_data`` by ``fusion.reason`` in one batch per currency (no query per proposal);
        a proposal made before ``reason_data`` existed shows the ``reason`` written then.
        """
        coded = self.filtered("reason_data")
        sentences = self.env["fusion.reason"]._get_fusion_reason_text_lists(
            [proposal.reason_data for proposal in coded], [proposal.currency_id for proposal in coded])
        texts = {proposal: "\n".join(lines) for proposal, lines in zip(coded, sentences, strict=True)}
        for proposal in self:
            proposal.reason_text = texts.get(proposal, proposal.reason)

    # ---------------------------------------------------------------- proposing

    @api.model
    def _get_fusion_cron_companies(self):
        """Companies the weekly proposals cover: those with a priced pricelist."""
        return self.env["res.company"].search([("fusion_pricing_pricelist_id", "!=", False)])

    @api.model
    def _cron_propose(self):
        """Propose prices for every company with a priced pricelist."""
        self._fusion_run_per_company("_propose")

    @api.model
    def _get_fusion_pricing_products(self, company):
        """Products the dynamic pricing prices in ``company``: sold, with a list price, of the company or shared."""
        return self.env["product.product"].with_company(company).search([
            ("sale_ok", "=", True), ("list_price", ">", 0), ("company_id", "in", [company.id, False])])

    @api.model
    def _get_fusion_price_history(self, products, company, today, pricelist=None):
        """Weekly quantity and mean discount of ``products`` on ``company``'s confirmed orders (``weekly_history``).

        With ``pricelist``, only the orders priced with it: how that segment's or customer's orders respond.
        """
        start = datetime.combine(today - timedelta(weeks=HISTORY_WEEKS), time.min)
        domain = [("product_id", "in", products.ids), ("state", "=", "sale"), ("company_id", "=", company.id),
                  ("order_id.date_order", ">=", start), ("display_type", "=", False)]
        if pricelist:
            domain.append(("order_id.pricelist_id", "=", pricelist.id))
        lines = self.env["sale.order.line"].sudo().search_fetch(
            domain, ["product_id", "product_uom_qty", "discount", "order_id"])
        lines.order_id.fetch(["date_order"])
        frame = pd.DataFrame({
            "product_id": [line.product_id.id for line in lines],
            "date": [line.order_id.date_order for line in lines],
            "qty": [line.product_uom_qty for line in lines],
            "discount": [min(max(line.discount, 0.0), 99.0) / 100 for line in lines],
        }, columns=["product_id", "date", "qty", "discount"])
        categories = pd.Series({product.id: str(product.categ_id.id) for product in products})
        return weekly_history(frame, categories)

    @api.model
    def _prepare_fusion_price_products(self, products, company, pricelist, today):
        """The core's product table (``suggest_prices``): cost, list and current price, category, days of cover."""
        products = products.with_company(company)
        cover = products._get_fusion_cover(company, today)
        current = pricelist._get_products_price(products, 1.0)
        list_price = [product.lst_price for product in products]
        return pd.DataFrame({
            "product_id": products.ids,
            "cost": [product.standard_price for product in products],
            "list_price": list_price,
            "discount": [min(max(1.0 - current[product.id] / price, 0.0), 0.99)
                         for product, price in zip(products, list_price, strict=True)],
            "category": [str(product.categ_id.id) for product in products],
            "cover_days": cover.days,
        })

    @api.model
    def _get_fusion_price_response(self, products, company, pricelist, today):
        """The price response (``estimate_price_response``) of the customers ``pricelist`` prices.

        Learnt from the orders priced with it; from all the company's orders when those cannot teach it
        (a new segment, a customer who never bargained). None when neither can.
        """
        for scope in (pricelist, None):
            history = self._get_fusion_price_history(products, company, today, scope)
            try:
                return estimate_price_response(history)[0]
            except CoreValidationError as error:
                _logger.info("No price response for %s from %s: %s", company.name,
                             scope.name if scope else "all its orders", error)
        return None

    @api.model
    def _propose(self, company, today=None):
        """New proposals (and control records) for each of ``company``'s priced pricelists.

        The company's priced pricelist and its segment or customer pricelists
        are priced alike, each from its own customers' price response, by the
        same core function; small changes apply when allowed. Returns the
        proposals created; open proposals of the same pricelist and products
        are replaced by the new ones.
        """
        today = today or fields.Date.context_today(self)
        if not company.fusion_pricing_pricelist_id:
            raise UserError(self.env._("Choose the pricelist to price in the settings first."))
        products = self._get_fusion_pricing_products(company)
        proposals = self.browse()
        for pricelist in company._get_fusion_priced_pricelists():
            proposals |= self._propose_pricelist(company, pricelist, products, today)
        if company.fusion_pricing_auto_apply:
            band = company.fusion_pricing_auto_band
            proposals.filtered(lambda p: p.state == "proposed" and p.discount <= band + 1e-9)._apply(auto=True)
        return proposals

    @api.model
    def _propose_pricelist(self, company, pricelist, products, today):
        """The proposals of one pricelist (``suggest_prices``).

        The control products are drawn with the company's priced pricelist as
        the salt, so a product is in the control group in every pricelist or in
        none, and the impact report's two groups stay apart.
        """
        response = self._get_fusion_price_response(products, company, pricelist, today)
        if response is None:
            return self.browse()
        table = self._prepare_fusion_price_products(products, company, pricelist, today)
        policy = company._get_fusion_pricing_policy(products.categ_id)
        suggested = suggest_prices(table, response, policy, control_share=company.fusion_pricing_control_share / 100,
                                   salt=str(company.fusion_pricing_pricelist_id.id))
        keep = suggested[suggested["code"].isin(("pricing_discount", "pricing_control"))]
        open_ones = self.search([("pricelist_id", "=", pricelist.id), ("state", "in", ("proposed", "control")),
                                 ("product_id", "in", keep["product_id"].tolist())])
        open_ones.unlink()
        date_end = today + timedelta(days=company.fusion_pricing_validity_days)
        values = []
        for row, source in zip(keep.itertuples(), keep.index, strict=True):
            list_price = table.at[source, "list_price"]
            values.append({
                "company_id": company.id,
                "pricelist_id": pricelist.id,
                "product_id": int(row.product_id),
                "date_end": date_end,
                "state": "control" if row.control else "proposed",
                "list_price": list_price,
                "current_price": list_price * (1 - row.current_discount),
                "proposed_price": row.price,
                "discount": row.discount * 100,
                "max_discount": row.max_discount * 100,
                "floor_price": row.floor_price,
                "elasticity": row.elasticity,
                "elasticity_sd": row.elasticity_sd,
                "expected_volume_change": row.expected_volume_change * 100,
                "expected_margin_change": row.expected_margin_change * 100,
                # Kept as codes and figures, read in each reader's language (reason_text)
                "reason_data": [reason.to_dict() for reason in row.reasons],
            })
        return self.create(values)

    # ---------------------------------------------------------------- applying and reverting

    def _check_fusion_pricing_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a pricing manager may apply, reject or revert prices."))

    def action_approve(self):
        """Apply the selected proposals as pricelist rules (managers only)."""
        self._check_fusion_pricing_manager()
        if any(proposal.state != "proposed" for proposal in self):
            raise UserError(self.env._("Only proposed prices can be approved."))
        self._apply()
        return True

    def action_reject(self):
        """Reject the selected proposals: the price stays (managers only)."""
        self._check_fusion_pricing_manager()
        if any(proposal.state != "proposed" for proposal in self):
            raise UserError(self.env._("Only proposed prices can be rejected."))
        self.write({"state": "rejected"})
        return True

    def action_revert(self):
        """Restore the price before each selected applied proposal (managers only)."""
        self._check_fusion_pricing_manager()
        if any(proposal.state != "applied" for proposal in self):
            raise UserError(self.env._("Only applied prices can be reverted."))
        self._revert()
        return True

    def _prepare_fusion_pricelist_item(self, now):
        """Values of the pricelist rule that applies this proposal: a fixed price from now to its end date."""
        self.ensure_one()
        return {
            "pricelist_id": self.pricelist_id.id,
            "applied_on": "0_product_variant",
            "product_tmpl_id": self.product_id.product_tmpl_id.id,
            "product_id": self.product_id.id,
            "compute_price": "fixed",
            "fixed_price": self.proposed_price,
            "date_start": now,
            "date_end": datetime.combine(self.date_end, time.max).replace(microsecond=0),
        }

    def _apply(self, auto=False):
        """Create each proposal's rule; an applied proposal of the same product and pricelist is ended and replaced.

        Rules are written as superuser after the caller's rights were checked
        (a pricing manager need not manage every pricelist by hand).
        """
        now = fields.Datetime.now()
        changes = []
        replaced = self.search([("state", "=", "applied"), ("pricelist_id", "in", self.pricelist_id.ids),
                                ("product_id", "in", self.product_id.ids)])
        items = self.env["product.pricelist.item"].sudo().create(
            [proposal._prepare_fusion_pricelist_item(now) for proposal in self])
        for proposal, item in zip(self, items, strict=True):
            previous = replaced.filtered(
                lambda p, proposal=proposal: p.product_id == proposal.product_id
                and p.pricelist_id == proposal.pricelist_id)[:1]
            if previous:
                proposal.previous_date_end = previous.item_id.date_end
                # A rule must end after it starts: one applied in this same second ends a second later
                started = previous.item_id.date_start
                previous.item_id.sudo().date_end = max(now, started + timedelta(seconds=1)) if started else now
                previous.state = "replaced"
                changes.append({"proposal_id": previous.id, "action": "replaced",
                                "price_before": previous.proposed_price, "price_after": proposal.proposed_price})
            proposal.write({"state": "applied", "item_id": item.id, "previous_id": previous.id})
            changes.append({"proposal_id": proposal.id, "action": "auto_applied" if auto else "applied",
                            "price_before": proposal.current_price, "price_after": proposal.proposed_price})
        self.env["fusion.price.change"].sudo().create(changes)

    def _revert(self):
        """Remove each proposal's rule and give back the replaced proposal its rule and end date."""
        changes = []
        for proposal in self:
            proposal.item_id.sudo().unlink()
            if proposal.previous_id:
                proposal.previous_id.item_id.sudo().date_end = proposal.previous_date_end
                proposal.previous_id.state = "applied"
            changes.append({"proposal_id": proposal.id, "action": "reverted", "price_before": proposal.proposed_price,
                            "price_after": proposal.previous_id.proposed_price or proposal.current_price})
        self.write({"state": "reverted"})
        self.env["fusion.price.change"].sudo().create(changes)
