from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

from crm_bridge.tables.backends import OrmBackend
from demo_company import generate
from demo_company.odoo_loader import load_company


class CockpitCommon(FusionCommon):
    """The tiny demo company (six months of 30 customers) loaded, and its cockpit computed once at its reference date.

    ``demo`` holds the generated tables, ``result`` the core's records of the refresh. A sales manager (every
    document, gets the monthly summary) and an inventory manager besides fusion_base's users; the demo's
    salespeople are the loader's users (own documents only).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Measure = cls.env["fusion.cockpit.measure"]
        cls.demo = generate(seed=7, size="tiny")
        load_company(cls.demo, OrmBackend(cls.env))
        cls.today = cls.demo.reference_date
        cls.sales_manager = new_test_user(cls.env, "cockpit_sales_manager", groups="sales_team.group_sale_manager")
        cls.stock_manager = new_test_user(cls.env, "cockpit_stock_manager", groups="stock.group_stock_manager")
        cls.result = cls.Measure._refresh(cls.company, cls.today)
