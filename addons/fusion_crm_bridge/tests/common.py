from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

ALLOWED = {
    "res.partner": ["name", "email", "city", "country_id", "ref", "parent_id", "is_company"],
    "crm.lead": ["name", "partner_id", "email_from", "expected_revenue", "description"],
    "sale.order": ["partner_id", "client_order_ref", "order_line", "commitment_date"],
    "sale.order.line": ["product_id", "product_uom_qty", "price_unit"],
    "mail.message": ["subject", "body"],
    "helpdesk.ticket": ["name", "description", "partner_id"],
}


class BridgeCommon(FusionCommon):
    """A source in the main company with its restricted technical user, and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.manager = new_test_user(
            cls.env, "bridge_manager", groups="base.group_user,fusion_base.group_fusion_manager"
        )
        cls.api_user = new_test_user(cls.env, "bridge_api", groups="fusion_base.group_fusion_api")
        cls.team = cls.env["crm.team"].create({"name": "Bridge team", "company_id": cls.company.id})
        cls.source = cls.env["fusion.bridge.source"].create({
            "name": "Test CRM", "code": "testcrm", "user_id": cls.api_user.id, "team_id": cls.team.id,
            "allow_partners": True, "allow_leads": True, "allow_orders": True, "allow_interactions": True,
            "allow_tickets": True, "allow_changes": True,
            "purpose_ids": [Command.create({"model_name": model, "field_name": name, "purpose": "sync"})
                            for model, names in ALLOWED.items() if model in cls.env for name in names],
        })
        cls.product = cls.env["product.product"].create({
            "name": "Widget", "default_code": "WID-1", "type": "consu", "is_storable": True, "list_price": 10.0,
        })
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 5.0)
        cls.bridge = cls.env["fusion.bridge"].with_user(cls.api_user)

    @staticmethod
    def record(key, external_id, **values):
        return {"idempotency_key": key, "external_id": external_id, "values": values}

    def upsert_partner(self, external_id="P1", **values):
        values.setdefault("name", "Customer " + external_id)
        response = self.bridge.upsert_partners([self.record("k-" + external_id, external_id, **values)])
        self.assertTrue(response["ok"], response)
        return self.env["res.partner"].browse(response["results"][0]["id"])
