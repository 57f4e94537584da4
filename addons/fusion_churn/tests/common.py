from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

from crm_bridge.tables.backends import OrmBackend
from demo_company import generate
from demo_company.odoo_loader import load_company


class ChurnCommon(FusionCommon):
    """fusion_base's users (salesperson with own documents, API user...) and a sales manager who manages models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Version = cls.env["fusion.churn.model"]
        cls.Score = cls.env["fusion.churn.score"]
        cls.manager = new_test_user(
            cls.env, "churn_manager", groups="sales_team.group_sale_manager,fusion_base.group_fusion_manager")


class ChurnDemoCompanyCommon(ChurnCommon):
    """The small demo company (a year of sales of 200 customers) loaded; ``demo`` holds its generated tables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = generate(seed=7, size="small")
        load_company(cls.demo, OrmBackend(cls.env))
        cls.customers = cls.env["res.partner"].search([("ref", "=like", "DEMO-C%")])


class ChurnDemoCommon(ChurnDemoCompanyCommon):
    """The small demo company and one trained version. A 90-day horizon: training needs two horizons of history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fusion_churn_horizon_days = 90
        cls.version = cls.Version._train(cls.company)
        cls.buyers = cls.env["sale.order"].search([("state", "=", "sale")]).partner_id.commercial_partner_id
