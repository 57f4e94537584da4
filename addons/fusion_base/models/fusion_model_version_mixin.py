import json
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ai_insights.registry.promotion import DEFAULT_PROMOTION_TOLERANCE, PromotionPolicy
from ai_insights.registry.store import dumps_model, loads_model
from crm_bridge.contract.errors import InsufficientDataError

_logger = logging.getLogger(__name__)

MANAGER = "fusion_base.group_fusion_manager"


class FusionModelVersionMixin(models.AbstractModel):
    """A registry of trained model versions per company, each with its card.

    A concrete registry (``_inherit = ["fusion.model.version.mixin"]``) gets:
    the version label and number, the model card (JSON and a rendered HTML
    view), the model bytes (skops, never pickle; loaded trusting only
    ``_fusion_trusted_types``), one active version per company, the
    training date, promotion of a new version by the project's promotion policy
    (:class:`~ai_insights.registry.promotion.PromotionPolicy`: in use unless
    clearly worse than the active one), activation of any trained version by a manager (the rollback),
    and protection of the active version against deletion.

    It implements :meth:`_prepare_trained_vals` (the training) and
    :meth:`_get_quality` (the figure that decides promotion), and may extend
    :meth:`_get_card_html_sections`.
    """

    _name = "fusion.model.version.mixin"
    _description = "ERP-CRM Fusion: trained model version"
    _order = "company_id, version desc"

    # Types beyond skops' defaults the stored model may hold; anything else is refused at load.
    _fusion_trusted_types = ()
    # A new version replaces the active one unless its quality is lower by more than this
    # (see ai_insights.registry.promotion: two versions are evaluated on different data).
    _fusion_promotion_tolerance = DEFAULT_PROMOTION_TOLERANCE

    name = fields.Char(required=True, readonly=True)
    version = fields.Integer(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    is_active = fields.Boolean("In use", readonly=True, help="The version predictions are made with.")
    state = fields.Selection(
        [("trained", "Trained"), ("insufficient_data", "Insufficient data")], required=True, readonly=True)
    message = fields.Text(readonly=True, help="Why the training stopped, or how the version was promoted.")
    trained_at = fields.Datetime(readonly=True)
    card_json = fields.Text("Model card", readonly=True)
    card_html = fields.Html("Card", compute="_compute_card_html", sanitize=False)
    model_data = fields.Binary("Model (skops)", attachment=False, readonly=True, groups=MANAGER)

    _sql_constraints = [
        ("version_unique", "unique(company_id, version)", "A version number is used once per company."),
    ]

    @api.depends("card_json")
    @api.depends_context("lang")
    def _compute_card_html(self):
        for version in self:
            card = json.loads(version.card_json) if version.card_json else {}
            version.card_html = Markup().join(version._get_card_html_sections(card)) if card else False

    def _get_card_html_sections(self, card):
        """HTML blocks of the card, in order: notes, held-out metrics, features and their purpose.

        Extend it to add model-specific blocks (calibration, confusion matrices).
        """
        metrics = Markup().join(Markup("<tr><td><code>%s</code></td><td>%.3f</td></tr>") % (name, value)
                                for name, value in sorted(card.get("metrics", {}).items()))
        features = Markup().join(Markup("<tr><td><code>%s</code></td><td>%s</td></tr>") % item
                                 for item in card.get("features", {}).items())
        window = card.get("data_window") or ("", "")
        return [
            Markup("<p>%s</p>") % card.get("notes", ""),
            Markup("<p>%s</p>") % self.env._("Data from %(start)s to %(end)s, trained at %(trained)s.",
                                    start=window[0] or "?", end=window[1] or "?", trained=card.get("trained_at", "?")),
            Markup("<h5>%s</h5><table class='table table-sm'>%s</table>") % (self.env._("Held-out metrics"), metrics),
            Markup("<h5>%s</h5><table class='table table-sm'>%s</table>") % (self.env._("Features and their purpose"),
                                                                              features),
        ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_active(self):
        if any(version.is_active for version in self):
            raise UserError(self.env._("The version in use cannot be deleted: activate another one first."))

    # ------------------------------------------------------------------ registry

    @api.model
    def _get_active(self, company):
        return self.search([("company_id", "=", company.id), ("is_active", "=", True)], limit=1)

    def _activate(self):
        """Put this version in use; the one it replaces says so in its message (messages are history)."""
        self.ensure_one()
        previous = self._get_active(self.company_id)
        if previous and previous != self:
            previous.write({"is_active": False, "message": "\n".join(filter(None, [previous.message, self.env._(
                "Out of use since %(date)s: replaced by %(name)s.", date=fields.Date.context_today(self),
                name=self.name)]))})
        self.is_active = True

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only an ERP-CRM Fusion manager can train or roll back models."))

    def action_activate(self):
        """Put this version in use (a rollback when it is older than the active one)."""
        self.ensure_one()
        self._check_manager()
        if self.state != "trained":
            raise UserError(self.env._("Version %(name)s has no model: %(why)s", name=self.name, why=self.message))
        if not self.is_active:
            self.sudo().message = "\n".join(filter(None, [self.message, self.env._(
                "Put in use on %(date)s by %(user)s.", date=fields.Date.context_today(self), user=self.env.user.name)]))
        self.sudo()._activate()
        return True

    @api.model
    def _dumps_model(self, model):
        """Bytes stored in ``model_data`` (skops)."""
        return dumps_model(model)

    def _load_model(self, fname="model_data"):
        """The model stored in ``fname``, refusing any type outside ``_fusion_trusted_types``."""
        self.ensure_one()
        return loads_model(self.sudo()[fname], self._fusion_trusted_types)

    # ------------------------------------------------------------------ training

    @api.model
    def _train(self, company):
        """Train a new version for ``company`` and register it; return it.

        Too little data gives a version in state ``insufficient_data`` with the
        reason and no model, so the registry says why nothing changed.
        """
        previous = self.search([("company_id", "=", company.id)], limit=1)
        vals = {"version": previous.version + 1, "name": f"v{previous.version + 1:04d}", "company_id": company.id}
        try:
            vals.update(self._prepare_trained_vals(company, vals["name"]))
        except InsufficientDataError as exc:
            _logger.warning("%s for %s not trained: %s", self._description, company.name, exc.message)
            return self.sudo().create(dict(vals, state="insufficient_data", message=self.env._(
                "Not enough data to train: %(why)s. The version in use, if any, stays in use.", why=exc.message)))
        version = self.sudo().create(dict(vals, state="trained"))
        version._promote()
        return version.with_env(self.env)

    @api.model
    def action_train_now(self):
        """Train a version now for the current company and open it (managers)."""
        self._check_manager()
        version = self._train(self.env.company)
        if version.state != "trained":
            raise UserError(version.message)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": version.id,
                "view_mode": "form", "views": [(False, "form")]}

    @api.model
    def _prepare_trained_vals(self, company, label):
        """Values of a trained version labelled ``label``: card, metrics, model bytes.

        Raises InsufficientDataError when ``company`` has too little data.
        """
        raise NotImplementedError

    def _get_quality(self):
        """Held-out figure of this version, higher is better; decides promotion."""
        raise NotImplementedError

    def _promote(self):
        """Put this version in use if the promotion policy says so; the message says why."""
        self.ensure_one()
        active = self._get_active(self.company_id)
        decision = PromotionPolicy(self._fusion_promotion_tolerance).decide(
            self._get_quality(), active._get_quality() if active else None)
        if decision.promote:
            self._activate()
            why = self.env._(
                "Put in use when trained (previous version: %(previous)s).", previous=active.name or self.env._("none"))
        elif decision.code == "candidate_unmeasured":
            why = self.env._("Kept for review: its quality could not be measured; %(active)s stays in use.",
                             active=active.name)
        else:
            why = self.env._(
                "Kept for review: quality %(new).3f against %(old).3f for %(active)s, which stays in use.",
                new=decision.candidate_quality, old=decision.current_quality, active=active.name)
        self.message = "\n".join(filter(None, [self.message, why]))
        return decision
