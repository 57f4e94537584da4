from odoo.tests import TransactionCase, new_test_user


class FusionCommon(TransactionCase):
    """Users with the least privilege each test needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.fusion_user = new_test_user(cls.env, "fusion_user", groups="base.group_user,fusion_base.group_fusion_user")
        cls.fusion_manager = new_test_user(
            cls.env, "fusion_manager", groups="base.group_user,fusion_base.group_fusion_manager"
        )
        cls.api_user = new_test_user(cls.env, "fusion_api", groups="base.group_user,fusion_base.group_fusion_api")
