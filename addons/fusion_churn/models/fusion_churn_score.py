import math

from odoo import api, fields, models
from odoo.tools import SQL

RISK_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
# The customer's copy of its score (res.partner, company-dependent columns): score field -> partner column.
PARTNER_FIGURES = {"probability": "fusion_churn_probability", "risk_level": "fusion_churn_level",
                   "lifetime_value": "fusion_lifetime_value"}
# Scores are created this many at a time: one INSERT batch, bounded memory.
BATCH = 1000


class FusionChurnScore(models.Model):
    """A customer's current churn risk and lifetime value in a company, as last scored.

    Scoring replaces a company's scores as a whole. Segment and salesperson are
    copied at scoring time so the risk report groups customers as they were
    when scored.
    """

    _name = "fusion.churn.score"
    _description = "ERP-CRM Fusion: customer churn risk"
    _order = "probability desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade",
                                 readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    model_id = fields.Many2one("fusion.churn.model", "Model version", ondelete="set null", readonly=True)
    probability = fields.Float("Churn probability", digits=(3, 3), aggregator="avg", readonly=True,
                               help="Chance that the customer buys nothing during the model's horizon.")
    risk_level = fields.Selection(RISK_LEVELS, "Churn risk", compute="_compute_risk_level", store=True,
                                  index=True)
    reason_1 = fields.Char("Main reason", readonly=True)
    reason_2 = fields.Char("Second reason", readonly=True)
    reason_3 = fields.Char("Third reason", readonly=True)
    reason_data = fields.Json(
        "Reasons (code and figures)", readonly=True,
        help="The reasons that raise the risk most, strongest first, as the churn model gave them: a code and its "
             "figures each, written in the reader's language when read.")
    reasons_text = fields.Text(
        "Why at risk", compute="_compute_reasons_text",
        help="The reasons that raise the risk most, strongest first, in your language.")
    top_reason = fields.Char(
        "Main reason in words", compute="_compute_reasons_text",
        help="The reason that raises the risk most, in your language.")
    value_horizon_days = fields.Integer(related="model_id.value_horizon_days")
    expected_orders = fields.Float(
        "Expected orders (value horizon)", digits=(16, 1), readonly=True,
        help="Expected number of orders over the value horizon of the model version that scored the customer.")
    expected_revenue = fields.Monetary(
        "Expected revenue (value horizon)", readonly=True,
        help="Expected revenue over the value horizon of the model version that scored the customer.")
    lifetime_value = fields.Monetary(
        "Lifetime value", readonly=True,
        help="Expected margin over the value horizon of the model version that scored the customer (Value horizon "
             "on the version, 365 days when the history allows): the horizon at which its card measured the value "
             "forecast.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment = fields.Selection([("b2b", "B2B"), ("b2c", "B2C")], readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    scored_at = fields.Datetime("Scored on", readonly=True)

    _sql_constraints = [
        ("partner_company_unique", "unique(partner_id, company_id)", "A customer has one current score per company."),
    ]

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        return super()._read_group_orderby(order, order_risk_levels(groupby_terms, "risk_level"), query)

    @api.depends("probability", "company_id.fusion_churn_medium_threshold", "company_id.fusion_churn_high_threshold")
    def _compute_risk_level(self):
        for score in self:
            score.risk_level = score.company_id._get_fusion_churn_level(score.probability)

    @api.depends("reason_data", "reason_1", "reason_2", "reason_3")
    @api.depends_context("lang")
    def _compute_reasons_text(self):
        for score, texts in zip(self, self._get_fusion_reason_texts(), strict=True):
            score.reasons_text = "\n".join(texts) or False
            score.top_reason = texts[0] if texts else False

    def _get_fusion_reason_texts(self):
        """Per score, its reasons in plain words in the user's language, strongest first.

        Rendered from ``reason_data`` (``fusion.reason``: the core's phrases, translated, figures in the user's
        formats, amounts in the company's currency); a score stored before ``reason_data`` existed shows its
        English ``reason_1`` .. ``reason_3`` until the next scoring. Pure Python over the records: no query per score.
        """
        coded = self.filtered("reason_data")
        rendered = dict(zip(coded, self.env["fusion.reason"]._get_fusion_reason_text_lists(
            [score.reason_data for score in coded], [score.currency_id for score in coded]), strict=True))
        return [rendered[score] if score in rendered
                else [text for text in (score.reason_1, score.reason_2, score.reason_3) if text] for score in self]

    @api.model
    def _replace_scores(self, company, version, result, scored_at):
        """Replace ``company``'s scores by ``result`` (indexed by partner id), in batches; return them.

        ``result`` holds ``ChurnModel.score`` columns joined with ``CLVModel.value`` ones.
        """
        partner_ids = [int(partner_id) for partner_id in result.index]
        partners = {row["id"]: row for row in self.env["fusion.churn.dataset"]._read_declared(
            "res.partner", partner_ids, ["is_company", "user_id"])}
        self.search([("company_id", "=", company.id)]).unlink()
        rows = list(result.itertuples())
        score_ids = []
        for start in range(0, len(rows), BATCH):
            score_ids += self.create([
                self._prepare_fusion_score_vals(company, version, row, partners[int(row.Index)], scored_at)
                for row in rows[start:start + BATCH]
            ]).ids
        return self.browse(score_ids)

    @api.model_create_multi
    def create(self, vals_list):
        scores = super().create(vals_list)
        scores._write_fusion_partner_figures()
        return scores

    def write(self, vals):
        result = super().write(vals)
        if set(PARTNER_FIGURES) & set(vals):
            self._write_fusion_partner_figures()
        return result

    def unlink(self):
        self._clear_fusion_partner_figures()
        return super().unlink()

    def _clear_fusion_partner_figures(self):
        """Remove these scores' risk and value from their customers and contacts: one UPDATE per company."""
        self.env["res.partner"].flush_model(list(PARTNER_FIGURES.values()) + ["commercial_partner_id"])
        for company in self.company_id:
            key = str(company.id)
            partner_ids = [score.partner_id.id for score in self if score.company_id == company]
            self.env.cr.execute(SQL(
                "UPDATE res_partner SET %s WHERE commercial_partner_id = ANY(%s)",
                SQL(", ").join(SQL("%s = %s - %s", SQL.identifier(column), SQL.identifier(column), key)
                               for column in PARTNER_FIGURES.values()),
                partner_ids,
            ))
        self.env["res.partner"].invalidate_model(PARTNER_FIGURES.values())

    def _write_fusion_partner_figures(self):
        """Copy these scores onto their customers and the customers' contacts, in the score's company.

        The partner keeps them in company-dependent columns so customer lists sort, group and filter by
        them. One UPDATE per ``BATCH`` scores, never a query per customer.
        """
        self.flush_recordset(list(PARTNER_FIGURES) + ["partner_id", "company_id"])
        self.env["res.partner"].flush_model(list(PARTNER_FIGURES.values()) + ["commercial_partner_id"])
        for start in range(0, len(self), BATCH):
            rows = [SQL("(%s, %s, %s::float8, %s::varchar, %s::float8)", score.partner_id.id,
                        str(score.company_id.id), score.probability, score.risk_level or None,
                        score.lifetime_value)
                    for score in self[start:start + BATCH]]
            self.env.cr.execute(SQL(
                """UPDATE res_partner SET %s
                     FROM (VALUES %s) AS score(partner_id, company, probability, risk_level, lifetime_value)
                    WHERE res_partner.commercial_partner_id = score.partner_id""",
                SQL(", ").join(
                    SQL("%s = COALESCE(res_partner.%s, '{}'::jsonb) || jsonb_build_object(score.company, score.%s)",
                        SQL.identifier(column), SQL.identifier(column), SQL.identifier(score_field))
                    for score_field, column in PARTNER_FIGURES.items()),
                SQL(", ").join(rows),
            ))
        self.env["res.partner"].invalidate_model(PARTNER_FIGURES.values())

    @api.model
    def _prepare_fusion_score_vals(self, company, version, row, partner, scored_at):
        """Values of one score from a row of the scoring result and the partner's segment and salesperson."""
        probability = float(row.churn_probability)
        return {
            "partner_id": int(row.Index), "company_id": company.id, "model_id": version.id,
            "probability": probability,
            # Given here so creating does not recompute it record by record.
            "risk_level": company._get_fusion_churn_level(probability),
            "reason_1": row.reason_1 or False, "reason_2": row.reason_2 or False, "reason_3": row.reason_3 or False,
            "reason_data": list(row.reasons) or False,
            "expected_orders": _number(row.expected_purchases), "expected_revenue": _number(row.expected_revenue),
            "lifetime_value": _number(row.expected_margin),
            "segment": "b2b" if partner["is_company"] else "b2c", "user_id": partner["user_id"],
            "scored_at": scored_at,
        }


def order_risk_levels(groupby_terms, field_name):
    """Group-by terms where ``field_name`` (a risk level) sorts Low, Medium, High, not alphabetically.

    Used by ``_read_group_orderby`` so lists, pivots and graphs show the levels in the badges' order.
    """
    if field_name not in groupby_terms:
        return groupby_terms
    rank = SQL("CASE %s WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 END", groupby_terms[field_name])
    return {**groupby_terms, field_name: rank}


def _number(value):
    """A model figure for a float field: unknown (NaN) is stored as empty."""
    return False if value is None or math.isnan(value) else float(value)
