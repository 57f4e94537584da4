import pandas as pd

from odoo import models

MODEL_VERSION = "demand forecast"


class FusionForecastRun(models.Model):
    _inherit = "fusion.forecast.run"

    def _apply_fusion_forecast(self, products, forecast):
        """Also write the forecast stock-out signals of the action rules (``stockout_forecast``)."""
        result = super()._apply_fusion_forecast(products, forecast)
        self._create_fusion_stockout_signals(products, forecast)
        return result

    def _create_fusion_stockout_signals(self, products, forecast):
        """One ``stockout_forecast`` signal per storable product forecast, in one create.

        The score is the number of days until the first stock-out over the
        company's warehouses (``ai_insights.forecast.stockout.days_to_stockout``
        at the run's service level), the reason naming the warehouse and the
        figures; a product that lasts the horizon scores the horizon plus a
        day, so that its latest signal no longer says it runs out.
        """
        from ai_insights.forecast.stockout import days_to_stockout

        self.ensure_one()
        storable = products.loc[products["type"].astype(str) == "storable", "product_id"].astype(int).tolist()
        if not storable:
            return self.env["fusion.action.signal"]
        first_day = pd.Timestamp(forecast.frame["week"].min()).date()
        free, receipts = self._get_fusion_stock_position(storable, first_day)
        stockouts = days_to_stockout(forecast, free, receipts, service_level=self.service_level / 100)
        stockouts = stockouts[stockouts["product_id"].isin(storable)].sort_values(["product_id", "days"])
        first = stockouts.drop_duplicates("product_id").set_index("product_id")
        warehouses = {warehouse.id: warehouse.display_name
                      for warehouse in self.env["stock.warehouse"].browse(first["warehouse_id"].unique().tolist())}
        horizon = 7 * self.horizon_weeks
        common = {"trigger": "stockout_forecast", "company_id": self.company_id.id,
                  "model_version": f"{MODEL_VERSION} {self.computed_at.date()}"}
        vals = []
        for product_id in sorted(set(storable) & set(forecast.series["product_id"].astype(int))):
            if product_id not in first.index:  # lasts: a newer signal than any earlier stock-out, that will not fire
                vals.append(dict(common, product_id=product_id, score=float(horizon + 1), reasons=self.env._(
                    "No stock-out forecast within %(days)d days", days=horizon)))
                continue
            row = first.loc[product_id]
            vals.append(dict(common, product_id=product_id, score=float(row["days"]), reasons=self.env._(
                "Stock-out forecast in %(days)d days at %(warehouse)s: %(demand).1f expected at %(level).0f%% "
                "service against %(supply).1f free and due", days=int(row["days"]),
                warehouse=warehouses[int(row["warehouse_id"])], demand=row["demand"], level=self.service_level,
                supply=row["supply"])))
        return self.env["fusion.action.signal"].sudo().create(vals)

    def _get_fusion_stock_position(self, product_ids, first_day):
        """(free stock, receipts due) of ``product_ids`` per warehouse of the company, for ``days_to_stockout``.

        Free stock: on hand less reserved in the internal locations of the
        warehouses; receipts: incoming moves not done nor cancelled into
        them, by day from ``first_day``. Two grouped reads whatever the
        number of products, as superuser within the company.
        """
        company = self.company_id
        env = self.sudo().with_company(company).env
        free_groups = env["stock.quant"]._read_group(
            [("product_id", "in", product_ids), ("company_id", "=", company.id),
             ("location_id.usage", "=", "internal"), ("location_id.warehouse_id", "!=", False)],
            ["product_id", "location_id"], ["quantity:sum", "reserved_quantity:sum"])
        move_groups = env["stock.move"]._read_group(
            [("product_id", "in", product_ids), ("company_id", "=", company.id),
             ("state", "not in", ("draft", "done", "cancel")), ("location_id.usage", "!=", "internal"),
             ("location_dest_id.usage", "=", "internal"), ("location_dest_id.warehouse_id", "!=", False)],
            ["product_id", "location_dest_id", "date:day"], ["product_qty:sum"])
        locations = env["stock.location"].union(*[location for _p, location, *_rest in free_groups + move_groups])
        warehouse_of = {location.id: location.warehouse_id.id for location in locations}
        free = pd.DataFrame([(product.id, warehouse_of[location.id], quantity - reserved)
                             for product, location, quantity, reserved in free_groups],
                            columns=["product_id", "warehouse_id", "qty"])
        receipts = pd.DataFrame([(product.id, warehouse_of[location.id],
                                  max((pd.Timestamp(day).date() - first_day).days, 0), qty)
                                 for product, location, day, qty in move_groups],
                                columns=["product_id", "warehouse_id", "day", "qty"])
        return free, receipts
