from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.fusion_base.tests.common import FusionCommon


@tagged("post_install", "-at_install")
class TestPricingSettings(FusionCommon):
    """The pricing block of Settings saves on the company, as an administrator does it in the browser.

    The company starts as a new one does, without Odoo's *Pricelists* feature: saving the settings then
    archived every pricelist, the priced ones too, and the segment pricelists read empty.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(cls.env, "fusion_settings_admin",
                                  groups="base.group_system,fusion_base.group_fusion_manager")
        cls.priced, cls.wholesale, cls.retail = cls.env["product.pricelist"].create([
            {"name": name, "company_id": cls.company.id} for name in ("Dynamic", "Wholesale", "Retail")])
        feature = cls.env.ref("product.group_product_pricelist")
        cls.env.ref("base.group_user").implied_ids -= feature
        cls.pricelist_feature = feature

    def _settings(self):
        return self.env["res.config.settings"].with_user(self.admin)

    def test_the_settings_form_saves_the_segment_pricelists_on_the_company(self):
        with Form(self._settings()) as form:
            form.fusion_pricing_pricelist_id = self.priced
            form.fusion_pricing_segment_pricelist_ids.add(self.wholesale)
            form.fusion_pricing_segment_pricelist_ids.add(self.retail)
        form.record.execute()
        self.assertEqual(self.company.fusion_pricing_pricelist_id, self.priced)
        self.assertEqual(self.company.fusion_pricing_segment_pricelist_ids, self.wholesale | self.retail)
        self.assertTrue(all((self.priced | self.wholesale | self.retail).mapped("active")))
        self.assertIn(self.pricelist_feature, self.env.ref("base.group_user").implied_ids,
                      "pricing a pricelist turns the Pricelists feature on")

        with Form(self._settings()) as form:  # a new form reads them back; removing one saves too
            self.assertEqual(len(form.fusion_pricing_segment_pricelist_ids), 2)
            form.fusion_pricing_segment_pricelist_ids.remove(id=self.retail.id)
        form.record.execute()
        self.assertEqual(self.company.fusion_pricing_segment_pricelist_ids, self.wholesale)

    def test_settings_written_with_commands_then_executed_reach_the_company(self):
        settings = self._settings().create({"fusion_pricing_segment_pricelist_ids": [Command.set(self.retail.ids)]})
        settings.execute()
        self.assertEqual(self.company.fusion_pricing_segment_pricelist_ids, self.retail)
        settings = self._settings().create({})
        settings.fusion_pricing_segment_pricelist_ids = [Command.set((self.wholesale | self.retail).ids)]
        settings.execute()
        self.assertEqual(self.company.fusion_pricing_segment_pricelist_ids, self.wholesale | self.retail)

    def test_saving_other_settings_leaves_the_segment_pricelists_alone(self):
        self.company.fusion_pricing_segment_pricelist_ids = self.wholesale
        with Form(self._settings()) as form:
            form.fusion_pricing_validity_days = 21
        form.record.execute()
        self.assertEqual(self.company.fusion_pricing_validity_days, 21)
        self.assertEqual(self.company.fusion_pricing_segment_pricelist_ids, self.wholesale)
        self.assertTrue(self.wholesale.active)

    def test_without_dynamic_pricing_odoo_s_own_choice_stands(self):
        self.company.write({"fusion_pricing_pricelist_id": False, "fusion_pricing_segment_pricelist_ids": False})
        with Form(self._settings()) as form:
            form.fusion_pricing_validity_days = 7
        form.record.execute()
        self.assertNotIn(self.pricelist_feature, self.env.ref("base.group_user").implied_ids)
        self.assertFalse(self.retail.active, "Odoo archives the pricelists when the feature is off")
