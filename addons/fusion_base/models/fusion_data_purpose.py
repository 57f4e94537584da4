from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FusionDataPurpose(models.Model):
    """A field that crosses the bridge or feeds a model, and why (minimum viable data).

    Capabilities declare here every personal or business field they read;
    what is not declared does not leave Odoo nor reach a model.
    """

    _name = "fusion.data.purpose"
    _description = "ERP-CRM Fusion: declared data use"
    _order = "consumer, model_name, field_name"

    consumer = fields.Char(required=True, help="Capability that uses the field, e.g. 'churn model'.")
    model_name = fields.Char(string="Model", required=True, help="Technical model name, e.g. res.partner.")
    field_name = fields.Char(string="Field", required=True)
    purpose = fields.Text(required=True, help="Why this field is needed, in one sentence.")
    personal_data = fields.Boolean(help="The field identifies or describes a person.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("use_unique", "unique(consumer, model_name, field_name)", "A field is declared once per consumer."),
    ]

    @api.constrains("model_name", "field_name")
    def _check_field_exists(self):
        for declaration in self:
            model = self.env.get(declaration.model_name)
            if model is None or declaration.field_name not in model._fields:
                raise ValidationError(
                    self.env._("%(model)s.%(field)s does not exist", model=declaration.model_name,
                               field=declaration.field_name)
                )

    @api.model
    def _get_allowed_fields(self, consumer, model_name):
        """Names of the fields of ``model_name`` that ``consumer`` declared (active only)."""
        declarations = self.sudo().search([("consumer", "=", consumer), ("model_name", "=", model_name)])
        return set(declarations.mapped("field_name"))
