from odoo.tests import TransactionCase, new_test_user

from crm_bridge.tables.backends import OrmBackend
from demo_company import generate
from demo_company.odoo_loader import load_company


class ChurnCommon(TransactionCase):
    """Least-privileged users: a salesperson, a manager, an external CRM's API user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.Version = cls.env["fusion.churn.model"]
        cls.Score = cls.env["fusion.churn.score"]
        cls.salesperson = new_test_user(
            cls.env, "churn_salesperson", groups="sales_team.group_sale_salesman,fusion_base.group_fusion_user")
        cls.manager = new_test_user(
            cls.env, "churn_manager", groups="sales_team.group_sale_manager,fusion_base.group_fusion_manager")
        cls.api_user = new_test_user(cls.env, "churn_api", groups="base.group_user,fusion_base.group_fusion_api")


class ChurnDemoCommon(ChurnCommon):
    """The small demo company (a year of sales of 200 customers) and one trained version.

    A 90-day horizon: training needs two horizons of history.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_company(generate(seed=7, size="small"), OrmBackend(cls.env))
        cls.company.fusion_churn_horizon_days = 90
        cls.version = cls.Version._train(cls.company)
        cls.customers = cls.env["res.partner"].search([("ref", "=like", "DEMO-C%")])
        cls.buyers = cls.env["sale.order"].search([("state", "=", "sale")]).partner_id.commercial_partner_id
