from odoo.addons.fusion_sale_promise.tests.common import PromiseCommon


class WarehouseCommon(PromiseCommon):
    """Two warehouses of one company shipping every day.

    ``lamp`` is stocked in the second warehouse only and cannot be
    replenished; ``desk`` (10 in the first) and ``chair`` (100 in the first)
    come from ``PromiseCommon``; ``shelf`` has 6 in the first and 20 in the
    second, ``stool`` none in the first and 3 in the second; both have a
    vendor lead time of 14 days.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse2 = cls.env["stock.warehouse"].create({
            "name": "Second warehouse", "code": "WH2", "company_id": cls.company.id,
            "fusion_calendar_id": cls.calendar.id,
        })
        cls.lamp = cls._make_product("Lamp", is_storable=True, stock=8, warehouse=cls.warehouse2)
        cls.shelf = cls._make_product("Shelf", is_storable=True, stock=6)
        cls.env["stock.quant"]._update_available_quantity(cls.shelf, cls.warehouse2.lot_stock_id, 20)
        cls.stool = cls._make_product("Stool", is_storable=True, stock=3, warehouse=cls.warehouse2)
        vendor = cls.env["res.partner"].create({"name": "Furniture vendor"})
        cls.env["product.supplierinfo"].create([
            {"partner_id": vendor.id, "product_tmpl_id": product.product_tmpl_id.id, "delay": 14}
            for product in (cls.shelf, cls.stool)])
