from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon


class PromiseCommon(FusionCommon):
    """A warehouse shipping every day, stocked products of each kind, and least-privileged users.

    Besides ``FusionCommon``'s users (``salesperson``: rights on their own
    documents only): ``manager``, who sees every order and approves.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.company = cls.env.company
        cls.company.write({"fusion_margin_floor": 20.0, "fusion_max_discount": 30.0, "fusion_buffer_days": 0})
        # Every day a working day: the tests do not depend on the weekday they run on.
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Every day",
            "attendance_ids": [Command.create({"name": str(day), "dayofweek": str(day), "hour_from": 8, "hour_to": 16})
                               for day in range(7)],
        })
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.warehouse.fusion_calendar_id = cls.calendar
        cls.manager = new_test_user(
            cls.env, "promise_manager",
            groups="sales_team.group_sale_salesman_all_leads,fusion_base.group_fusion_manager",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Promise customer"})
        cls.category = cls.env["product.category"].create({"name": "Promise goods"})
        cls.desk = cls._make_product("Desk", is_storable=True, stock=10)
        cls.chair = cls._make_product("Chair", is_storable=True, stock=100)
        cls.installation = cls._make_product("Installation", type="service")
        cls.screws = cls._make_product("Screws", is_storable=False)

    @classmethod
    def _make_product(cls, name, stock=0, warehouse=None, **values):
        product = cls.env["product.product"].create({
            "name": name, "type": "consu", "list_price": 100.0, "standard_price": 50.0, "sale_delay": 0,
            "categ_id": cls.category.id, **values,
        })
        if stock:
            location = (warehouse or cls.warehouse).lot_stock_id
            cls.env["stock.quant"]._update_available_quantity(product, location, stock)
        return product

    @classmethod
    def _make_order(cls, lines, commitment_days=None, user=None, **values):
        """A quotation; ``lines`` are (product, qty) or (product, qty, {line values})."""
        order_lines = []
        for product, qty, *extra in lines:
            line_values = {"product_id": product.id, "product_uom_qty": qty, **(extra[0] if extra else {})}
            order_lines.append(Command.create(line_values))
        if commitment_days is not None:
            values["commitment_date"] = fields.Datetime.now() + timedelta(days=commitment_days)
        env = cls.env(user=user) if user else cls.env
        return env["sale.order"].create({"partner_id": cls.customer.id, "order_line": order_lines, **values})
