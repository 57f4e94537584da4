import secrets

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from crm_bridge.contract.schemas import RECORD_OPERATIONS


class FusionBridgeSource(models.Model):
    """An external CRM allowed to work with Odoo through the bridge."""

    _name = "fusion.bridge.source"
    _description = "ERP-CRM Fusion: CRM bridge source"
    _check_company_auto = True
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, help="Short technical name; the source's declared data uses have consumer 'bridge:<code>'."
    )
    consumer = fields.Char(compute="_compute_consumer", store=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Technical user", ondelete="restrict", copy=False,
        help="The user the CRM logs in as: group 'Bridge API user' only, with an API key as password.",
    )
    team_id = fields.Many2one("crm.team", string="Default sales team", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", string="Default pricelist", check_company=True)
    allow_partners = fields.Boolean("Upsert partners")
    allow_leads = fields.Boolean("Upsert leads")
    allow_orders = fields.Boolean("Upsert quotations and orders")
    allow_interactions = fields.Boolean("Push interactions")
    allow_tickets = fields.Boolean("Push tickets")
    allow_changes = fields.Boolean("Follow changes", help="Poll the changes feed and watch products.")
    allow_quotes = fields.Boolean(
        "Simulate quotes", help="Promise and price quotations for its customers, check its orders "
                                "(with the promise and pricing module).")
    allow_cockpit = fields.Boolean(
        "Read the cockpit", help="The cost-of-disconnection figures of its company, by month and segment "
                                 "(with the cockpit module).")
    purpose_ids = fields.One2many(
        "fusion.data.purpose", "bridge_source_id", string="Allowed fields",
        help="Fields the source may write, per model, each with its purpose (minimum viable data).",
    )
    watch_ids = fields.One2many("fusion.bridge.watch", "source_id", string="Watched products")
    binding_count = fields.Integer(compute="_compute_counts")
    request_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a bridge source must be unique."),
        ("user_unique", "unique(user_id)", "A technical user serves one bridge source only."),
    ]

    @api.depends("code")
    def _compute_consumer(self):
        for source in self:
            source.consumer = f"bridge:{source.code}" if source.code else False

    def _compute_counts(self):
        counts = {}
        for model in ("fusion.bridge.binding", "fusion.bridge.request"):
            groups = self.env[model]._read_group([("source_id", "in", self.ids)], ["source_id"], ["__count"])
            counts[model] = {source.id: count for source, count in groups}
        for source in self:
            source.binding_count = counts["fusion.bridge.binding"].get(source.id, 0)
            source.request_count = counts["fusion.bridge.request"].get(source.id, 0)

    @api.model
    def _get_fusion_operation_flags(self):
        """The bridge's public operations, each with the source's switch (a Boolean field) that allows it.

        Hook: a glue addon that adds an operation and its switch extends the
        mapping with ``super()`` (``{**super()._get_fusion_operation_flags(),
        "recommend": "allow_recommend"}``). An operation missing from the
        mapping is refused (:meth:`_allows`).

        Returns
        -------
        dict
            ``{operation name: field name}``.
        """
        return {
            "upsert_partners": "allow_partners",
            "upsert_leads": "allow_leads",
            "upsert_orders": "allow_orders",
            "push_interactions": "allow_interactions",
            "push_tickets": "allow_tickets",
            "changes": "allow_changes",
            "watch_products": "allow_changes",
            # sale.order's quote API (fusion_sale_promise), for a source's technical user
            "simulate_quote": "allow_quotes",
            "check_order": "allow_quotes",
            # fusion.cockpit.measure's figures (fusion_cockpit), for a source's technical user
            "cockpit_figures": "allow_cockpit",
        }

    def _allows(self, operation):
        """Whether this source's switch for ``operation`` is on (an unknown operation is never allowed)."""
        self.ensure_one()
        flag = self._get_fusion_operation_flags().get(operation)
        return bool(flag and self[flag])

    def _get_allowed_fields(self):
        """Declared fields per Odoo model, for every model the bridge can write ({model: {field}})."""
        self.ensure_one()
        models_ = {model for spec in RECORD_OPERATIONS.values() for model in spec.allowlist_fields()}
        purposes = self.env["fusion.data.purpose"]
        return {model: purposes._get_allowed_fields(self.consumer, model) for model in models_}

    def _get_technical_user_vals(self):
        """Values of the technical user: the API group only, bound to the source's company."""
        self.ensure_one()
        return {
            "name": f"CRM bridge: {self.name}",
            "login": f"bridge-{self.code}",
            "password": secrets.token_urlsafe(32),  # never used: the CRM logs in with an API key
            "company_id": self.company_id.id,
            "company_ids": [Command.set(self.company_id.ids)],
            "groups_id": [Command.set(self.env.ref("fusion_base.group_fusion_api").ids)],
        }

    def action_create_technical_user(self):
        self.ensure_one()
        if self.user_id:
            raise UserError(self.env._("%(source)s already has a technical user.", source=self.name))
        self.user_id = self.env["res.users"].sudo().create(self._get_technical_user_vals())
        return True

    def action_generate_api_key(self):
        """Generate an RPC API key for the technical user and show it once."""
        self.ensure_one()
        if not self.user_id:
            raise UserError(self.env._("Create the technical user first."))
        key = self.env["res.users.apikeys"].with_user(self.user_id).sudo()._generate(
            "rpc", f"CRM bridge {self.code}", False
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": self.env._("API key of %(user)s", user=self.user_id.login),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key},
        }

    def _action_open(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "name": name,
            "view_mode": "list,form",
            "domain": [("source_id", "=", self.id)],
        }

    def action_view_bindings(self):
        return self._action_open("fusion.bridge.binding", self.env._("Bindings"))

    def action_view_requests(self):
        return self._action_open("fusion.bridge.request", self.env._("Request log"))
