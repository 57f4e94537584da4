from odoo.tests import tagged

from .common import FusionCommon


@tagged("post_install", "-at_install")
class TestFusionCommon(FusionCommon):
    """The users every addon's tests start from hold the rights their role needs and no more."""

    def test_least_privilege_users(self):
        self.assertTrue(self.fusion_user.has_group("fusion_base.group_fusion_user"))
        self.assertFalse(self.fusion_user.has_group("fusion_base.group_fusion_manager"))
        self.assertTrue(self.fusion_manager.has_group("fusion_base.group_fusion_manager"))
        self.assertFalse(self.fusion_manager.has_group("base.group_system"))
        self.assertTrue(self.api_user.has_group("fusion_base.group_fusion_api"))
        self.assertFalse(self.api_user.has_group("fusion_base.group_fusion_user"))
        self.assertTrue(self.salesperson.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.salesperson.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(self.salesperson.has_group("fusion_base.group_fusion_user"))
        self.assertFalse(self.salesperson.has_group("fusion_base.group_fusion_manager"))
        for user in (self.fusion_user, self.fusion_manager, self.api_user, self.salesperson):
            self.assertEqual(user.company_id, self.company)
