from datetime import datetime, timedelta

from odoo.addons.fusion_base.tests.common import FusionCommon


class PricingCommon(FusionCommon):
    """Two products of one category with a year of weekly sales and stock to spare.

    ``elastic`` sells much more when discounted (elasticity -4: every other
    week 20 % off); ``flat`` barely responds (-0.3). Both cost 50 and list at
    100, with 600 units in stock (about half a year of cover). The company
    prices the ``pricelist`` with no control group unless a test sets one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env["product.category"].create({"name": "Dynamic pricing test"})
        cls.elastic, cls.flat = cls.env["product.product"].create([
            {"name": name, "is_storable": True, "list_price": 100.0, "standard_price": 50.0,
             "categ_id": cls.category.id, "sale_ok": True}
            for name in ("Elastic drill", "Flat hammer")
        ])
        cls.products = cls.elastic | cls.flat
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 600.0)
        cls.pricelist = cls.env["product.pricelist"].create({"name": "Dynamic", "company_id": cls.company.id})
        cls.company.write({"fusion_pricing_pricelist_id": cls.pricelist.id, "fusion_pricing_control_share": 0.0,
                           "fusion_pricing_auto_apply": False})
        cls.customer = cls.env["res.partner"].create({"name": "Ferretería Sur"})
        cls.today = datetime.now().date()
        cls._sales_history()
        cls.manager = cls.fusion_manager

    @classmethod
    def _sales_history(cls, customer=None, pricelist=None, elasticities=None):
        """52 weekly confirmed orders priced with ``pricelist``; each product's quantity follows its elasticity.

        By default the ``customer``'s orders on the priced ``pricelist``, ``elastic`` at -4 and ``flat`` at -0.3.
        """
        elasticities = elasticities or {cls.elastic: -4.0, cls.flat: -0.3}
        orders = []
        for week in range(1, 53):
            discount = 0.2 if week % 2 else 0.0
            lines = [(0, 0, {"product_id": product.id, "product_uom_qty": round(20 * (1 - discount) ** elasticity),
                             "price_unit": 100.0, "discount": discount * 100})
                     for product, elasticity in elasticities.items()]
            orders.append({"partner_id": (customer or cls.customer).id, "state": "sale", "order_line": lines,
                           "pricelist_id": (pricelist or cls.pricelist).id,
                           "date_order": datetime.now() - timedelta(weeks=week, hours=1)})
        # Orders created confirmed launch their deliveries, which would reserve the stock: these were delivered
        # long ago, so their (unrealistic) open pickings are cancelled and the stock is free again.
        cls.env["sale.order"].create(orders).picking_ids.action_cancel()

    def propose(self):
        return self.env["fusion.price.proposal"]._propose(self.company, self.today)
