from odoo import fields, models

from .fusion_bridge_change import DEFAULT_RETENTION_DAYS, RETENTION_PARAMETER


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_bridge_change_retention_days = fields.Integer(
        "Changes feed retention (days)", config_parameter=RETENTION_PARAMETER, default=DEFAULT_RETENTION_DAYS,
        help="How long the changes feed keeps a change. A client whose cursor is older must read its records "
             "again (error cursor_expired).")
