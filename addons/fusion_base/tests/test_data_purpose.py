from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import FusionCommon


@tagged("post_install", "-at_install")
class TestDataPurpose(FusionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.declaration = cls.env["fusion.data.purpose"].create(
            {"consumer": "test consumer", "model_name": "res.partner", "field_name": "email",
             "purpose": "identify the customer", "personal_data": True}
        )

    def test_user_reads_but_cannot_declare(self):
        purposes = self.env["fusion.data.purpose"].with_user(self.fusion_user)
        self.assertIn(self.declaration, purposes.search([]))
        with self.assertRaises(AccessError):
            purposes.create({"consumer": "x", "model_name": "res.partner", "field_name": "name", "purpose": "y"})

    def test_manager_declares(self):
        purposes = self.env["fusion.data.purpose"].with_user(self.fusion_manager)
        purposes.create({"consumer": "test consumer", "model_name": "res.partner", "field_name": "name",
                         "purpose": "greet the customer"})
        self.assertEqual(purposes._get_allowed_fields("test consumer", "res.partner"), {"email", "name"})

    def test_unknown_field_refused(self):
        with self.assertRaises(ValidationError):
            self.env["fusion.data.purpose"].create(
                {"consumer": "x", "model_name": "res.partner", "field_name": "no_such_field", "purpose": "y"}
            )
