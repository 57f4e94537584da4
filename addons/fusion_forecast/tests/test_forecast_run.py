import json
from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import WEEKS, ForecastCommon, ForecastSalesCommon


@tagged("post_install", "-at_install")
class TestForecastRun(ForecastSalesCommon):
    def test_the_weekly_cron_forecasts_the_company(self):
        run = self.forecast_run
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(run.horizon_weeks, 8)
        self.assertEqual(run.product_count, len(self.goods))  # sold goods: not the service
        self.assertEqual(run.data_end - run.data_start, timedelta(days=7 * WEEKS - 1))
        self.assertAlmostEqual(run.fva_pct, 100 * (1 - run.mase / run.mase_snaive), delta=0.2)  # stored rounded
        card = json.loads(run.card_json)
        self.assertEqual(card["name"], "demand_forecast")
        self.assertEqual(card["data_window"][1], str(run.data_end))
        self.assertTrue(card["extra"]["bottom_method_counts"])
        forecast = self.Forecast.search([("run_id", "=", run.id), ("kind", "=", "forecast")])
        weeks = sorted(set(forecast.mapped("week")))
        self.assertEqual(len(weeks), 8)
        self.assertEqual(weeks[0], run.data_end + timedelta(days=1))
        self.assertTrue(all(week.weekday() == 0 for week in weeks))
        self.assertEqual(set(forecast.mapped("segment")), {"B2B", "B2C"})
        self.assertEqual(len(forecast.warehouse_id), 2)
        self.assertEqual(forecast.product_id, self.goods)
        for row in forecast[:50]:
            self.assertLessEqual(row.low_95_qty, row.low_80_qty)
            self.assertLessEqual(row.low_80_qty, row.median_qty)
            self.assertLessEqual(row.median_qty, row.high_80_qty)
            self.assertLessEqual(row.high_80_qty, row.high_95_qty)
        actual = self.Forecast.search([("run_id", "=", run.id), ("kind", "=", "actual")])
        self.assertTrue(actual)
        self.assertTrue(all(row.week <= run.data_end for row in actual))
        self.assertEqual(min(actual.mapped("week")), run.data_end - timedelta(days=7 * 8 - 1))

    def test_the_actual_demand_is_what_was_ordered(self):
        last_week = self.forecast_run.data_end - timedelta(days=6)
        lines = self.env["sale.order.line"].search([
            ("order_id.state", "!=", "cancel"), ("order_id.company_id", "=", self.company.id),
            ("order_id.date_order", ">=", fields.Datetime.to_datetime(last_week)),
            ("order_id.date_order", "<", fields.Datetime.to_datetime(self.forecast_run.data_end + timedelta(days=1))),
            ("product_id.type", "!=", "service")])
        rows = self.Forecast.search([("run_id", "=", self.forecast_run.id), ("kind", "=", "actual"),
                                     ("week", "=", last_week)])
        self.assertAlmostEqual(sum(rows.mapped("actual_qty")), sum(lines.mapped("product_uom_qty")))

    def test_a_new_run_replaces_the_rows(self):
        before = self.Forecast.search_count([("company_id", "=", self.company.id)])
        self.company.fusion_forecast_horizon_weeks = 4
        run = self.Run._run(self.company)
        self.assertEqual(self.Forecast.search([("company_id", "=", self.company.id)]).run_id, run)
        self.assertLess(self.Forecast.search_count([("company_id", "=", self.company.id)]), before)
        self.assertEqual(len(set(self.Forecast.search([("kind", "=", "forecast")]).mapped("week"))), 4)
        self.assertEqual(self.Run.search_count([("company_id", "=", self.company.id)]), 2)

    def test_the_products_forecast_are_the_goods_that_sold(self):
        # The core's sold_goods, as make demo forecasts them: not the service, not a good only on a cancelled
        # order, not a good never sold.
        cancelled_only, never_sold = self.env["product.product"].create([
            {"name": "Forecast cancelled goods", "is_storable": True, "list_price": 5.0},
            {"name": "Forecast unsold goods", "is_storable": True, "list_price": 5.0}])
        order = self.env["sale.order"].create({
            "partner_id": self.customers[0].id,
            "order_line": [Command.create({"product_id": cancelled_only.id, "product_uom_qty": 4})]})
        order._action_cancel()
        tables = self.Run._get_fusion_tables(self.company)
        self.assertEqual(set(tables["products"]["product_id"]), set(self.goods.ids))
        self.assertEqual(set(tables["order_lines"]["product_id"]), set(self.goods.ids))
        self.assertNotIn(never_sold.id, set(tables["products"]["product_id"]))

    def test_reading_the_company_does_not_query_per_product(self):
        self.Run._get_fusion_tables(self.company)  # warm the caches
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=self._count_read_queries()):
            self.Run._get_fusion_tables(self.company)
        products = self.env["product.product"].create([{"name": f"Extra {i}", "is_storable": True,
                                                        "list_price": 10.0} for i in range(30)])
        order = self.env["sale.order"].create({
            "partner_id": self.customers[0].id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2}) for product in products]})
        order.write({"state": "sale"})
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=self._count_read_queries()):
            tables = self.Run._get_fusion_tables(self.company)
        self.assertTrue(set(products.ids) <= set(tables["products"]["product_id"]))

    def _count_read_queries(self):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Run._get_fusion_tables(self.company)
        self.env.invalidate_all()
        return self.env.cr.sql_log_count - before

    def test_the_run_does_not_query_per_product(self):
        small = self._count_run_queries()
        products = self.env["product.product"].create([{"name": f"More goods {i}", "is_storable": True,
                                                        "list_price": 10.0} for i in range(30)])
        self.env["sale.order"].create([{
            "partner_id": customer.id, "warehouse_id": warehouse.id,
            "date_order": fields.Datetime.to_datetime(self.forecast_run.data_end) - timedelta(days=7 * weeks_back),
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3}) for product in products],
        } for customer in self.customers for warehouse in self.warehouses for weeks_back in range(4)]).write(
            {"state": "sale"})
        rows_before = self.Forecast.search_count([("company_id", "=", self.company.id)])
        larger = self._count_run_queries()
        self.assertGreater(self.Forecast.search_count([("company_id", "=", self.company.id)]), rows_before * 1.5)
        self.assertLessEqual(larger, small, "more products, more queries")

    def _count_run_queries(self):
        """SQL queries of a second run of the company's forecast (the first creates the reordering rules)."""
        self.Run._run(self.company)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Run._run(self.company)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_one_demand_measure_for_actual_and_forecast(self):
        rows = self.Forecast.search([("run_id", "=", self.forecast_run.id)])
        actual = rows.filtered(lambda row: row.kind == "actual")
        forecast = rows - actual
        self.assertTrue(actual and forecast)
        self.assertEqual([row.demand_qty for row in actual], [row.actual_qty for row in actual])
        self.assertEqual([row.demand_qty for row in forecast], [row.forecast_qty for row in forecast])
        self.assertFalse(any(forecast.mapped("actual_qty")) or any(actual.mapped("forecast_qty")))
        self.assertEqual(rows.mapped(lambda row: (row.product_tmpl_id, row.categ_id)),
                         rows.mapped(lambda row: (row.product_id.product_tmpl_id, row.product_id.categ_id)))
        self.assertEqual(len(rows.create_uid | rows.write_uid), 1)
        self.assertTrue(all(rows.mapped("create_date")))
        groups = self.Forecast._read_group([("run_id", "=", self.forecast_run.id)], ["week:week", "kind"],
                                           ["demand_qty:sum"])
        self.assertEqual([kind for _week, kind, _demand in groups], ["actual"] * 8 + ["forecast"] * 8)
        self.assertAlmostEqual(sum(demand for _week, _kind, demand in groups[:8]), sum(actual.mapped("actual_qty")))

    def test_graph_pivot_and_list_views(self):
        views = self.Forecast.get_views([(False, "graph"), (False, "pivot"), (False, "list"), (False, "search")])
        for view in ("graph", "pivot"):
            self.assertIn('name="kind"', views["views"][view]["arch"])
            self.assertIn('name="demand_qty"', views["views"][view]["arch"])
        self.assertIn("kind != 'forecast'", views["views"]["list"]["arch"])
        form = self.env["product.template"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_view_fusion_forecast", form)

    def test_the_product_chart_shows_history_then_forecast_in_the_readers_words(self):
        """Two series, history and forecast, the forecast from the week after the history's last; Spanish legend."""
        row = self.Forecast.search([("run_id", "=", self.forecast_run.id), ("kind", "=", "forecast")], limit=1)
        action = row.product_tmpl_id.action_view_fusion_forecast()
        self.assertNotIn("group_", str(action.get("context") or ""), "a default group-by would replace the chart's")
        arch = self.Forecast.get_views([(action["views"][0][0], "graph")])["views"]["graph"]["arch"]
        graph = etree.fromstring(arch)
        self.assertEqual((graph.get("type"), graph.get("stacked")), ("bar", "False"))
        self.assertEqual([(field.get("name"), field.get("interval")) for field in graph.iter("field")],
                         [("week", "day"), ("kind", None), ("demand_qty", None)])
        groups = self.Forecast.web_read_group(action["domain"], ["demand_qty:sum"], ["week:day", "kind"],
                                              lazy=False)["groups"]
        weeks = {kind: sorted(group["__range"]["week:day"]["from"] for group in groups if group["kind"] == kind)
                 for kind in ("actual", "forecast")}
        self.assertEqual(len(weeks["actual"]), 8, "a week without sales is a 0, not a missing week")
        self.assertTrue(weeks["forecast"])
        self.assertLess(weeks["actual"][-1], weeks["forecast"][0])
        self.assertEqual(fields.Date.to_date(weeks["forecast"][0]), self.forecast_run.data_end + timedelta(days=1))
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["fusion_forecast"], ["es_ES"], overwrite=True)
        legend = self.Forecast.with_context(lang="es_ES").fields_get(["kind"])["kind"]["selection"]
        self.assertEqual([tuple(item) for item in legend], [("actual", "Historial"), ("forecast", "Previsión")])

    def test_the_product_smart_button(self):
        row = self.Forecast.search([("run_id", "=", self.forecast_run.id), ("kind", "=", "forecast")], limit=1)
        template = row.product_tmpl_id
        rows = self.Forecast.search([("product_tmpl_id", "=", template.id), ("kind", "=", "forecast")])
        self.assertAlmostEqual(template.fusion_forecast_qty, sum(rows.mapped("forecast_qty")))
        action = template.action_view_fusion_forecast()
        self.assertEqual(self.Forecast.search(action["domain"]), self.Forecast.search(
            [("product_tmpl_id", "=", template.id)]))

    def test_who_sees_the_forecast(self):
        for user in (self.stock_user, self.fusion_user, self.salesperson):
            self.assertTrue(self.Forecast.with_user(user).search_count([]), user.login)
            self.assertTrue(self.Run.with_user(user).search_count([]), user.login)
        with self.assertRaises(AccessError):
            self.Forecast.with_user(self.api_user).search_count([])
        with self.assertRaises(AccessError):
            self.Forecast.with_user(self.fusion_user).search([], limit=1).write({"forecast_qty": 1.0})
        other = self.env["res.company"].create({"name": "Other forecast company"})
        outsider = new_test_user(self.env, "forecast_outsider", groups="stock.group_stock_user",
                                 company_id=other.id, company_ids=[Command.set(other.ids)])
        self.assertEqual(self.Forecast.with_user(outsider).search_count([]), 0)
        self.assertEqual(self.Run.with_user(outsider).search_count([]), 0)

    def test_forecast_now_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.Run.with_user(self.fusion_user).action_run_now()
        notification = self.Run.with_user(self.fusion_manager).action_run_now()
        self.assertEqual(notification["params"]["type"], "success")

    def test_reordering_rules_are_suggested_without_changing_a_person_s_rule(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        created = Orderpoint.search([("fusion_created", "=", True)])
        self.assertEqual(created.product_id, self.goods)  # storable goods only, not the service
        self.assertEqual(created.warehouse_id, self.warehouses)
        self.assertEqual(set(created.mapped("trigger")), {"manual"})
        for rule in created:
            self.assertGreater(rule.product_min_qty, 0)
            self.assertGreater(rule.product_max_qty, rule.product_min_qty)
            self.assertEqual(rule.product_min_qty, rule.fusion_suggested_min_qty)
            self.assertIn("95% service", rule.fusion_suggestion_reason)
        # A person changes one rule; the service level drops; the forecast runs again.
        changed, untouched = created[0], created[1]
        changed.write({"product_min_qty": 1000.0, "product_max_qty": 2000.0})
        before = untouched.product_min_qty
        self.company.fusion_forecast_service_level = 60.0
        self.Run._run(self.company)
        self.assertEqual((changed.product_min_qty, changed.product_max_qty), (1000.0, 2000.0))
        self.assertLess(changed.fusion_suggested_min_qty, 1000.0)
        self.assertIn("60% service", changed.fusion_suggestion_reason)
        self.assertLess(untouched.product_min_qty, before)  # nobody changed it: it follows the suggestion
        self.assertEqual(untouched.product_min_qty, untouched.fusion_suggested_min_qty)
        self.assertEqual(Orderpoint.search_count([("fusion_created", "=", True)]), len(created))
        changed.action_fusion_apply_suggestion()
        self.assertEqual(changed.product_min_qty, changed.fusion_suggested_min_qty)
        self.assertEqual(changed.product_max_qty, changed.fusion_suggested_max_qty)

    def test_suggesting_reordering_rules_does_not_query_per_rule(self):
        from ai_insights.forecast import DemandForecaster, weekly_demand

        tables = self.Run._get_fusion_tables(self.company)
        history = weekly_demand(tables, as_of=fields.Date.context_today(self.Run))
        forecast = DemandForecaster(horizon=self.company.fusion_forecast_horizon_weeks).fit(history).predict()
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        Orderpoint.search([("fusion_created", "=", True)]).unlink()
        counts = {}
        for name, goods in (("few", self.goods[:3]), ("many", self.goods[3:])):
            products = tables["products"][tables["products"]["product_id"].isin(goods.ids)]
            for step in ("create", "update"):  # a first forecast creates the rules, the next updates them
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self.forecast_run._suggest_reordering(products, forecast)
                self.env.flush_all()
                counts[name, step] = self.env.cr.sql_log_count - before
            self.assertEqual(Orderpoint.search([("fusion_created", "=", True), ("product_id", "in", goods.ids)])
                             .product_id, goods)
        self.assertLessEqual(counts["many", "create"], counts["few", "create"], counts)
        self.assertLessEqual(counts["many", "update"], counts["few", "update"], counts)

    def test_undeclared_fields_are_not_read(self):
        self.env.ref("fusion_forecast.purpose_forecast_sale_order_line_product_uom_qty").active = False
        with self.assertRaisesRegex(UserError, "sale.order.line: product_uom_qty"):
            self.Run._run(self.company)


@tagged("post_install", "-at_install")
class TestForecastSettings(ForecastCommon):
    def test_too_little_history_is_recorded_with_its_reason(self):
        partner = self.env["res.partner"].create({"name": "Short history customer"})
        product = self.env["product.product"].create({"name": "Short history goods", "is_storable": True})
        today = fields.Datetime.now()
        orders = self.env["sale.order"].create([{
            "partner_id": partner.id, "date_order": today - timedelta(days=7 * weeks),
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
        } for weeks in range(1, 6)])
        orders.write({"state": "sale"})
        run = self.Run._run(self.company)
        self.assertEqual(run.state, "insufficient")
        self.assertIn("37 weeks", run.message)
        self.assertFalse(self.Forecast.search_count([("company_id", "=", self.company.id)]))

    def test_settings_are_checked_and_saved_on_the_company(self):
        settings = self.env["res.config.settings"].create({"fusion_forecast_horizon_weeks": 12,
                                                           "fusion_forecast_service_level": 90.0})
        settings.execute()
        self.assertEqual(self.company.fusion_forecast_horizon_weeks, 12)
        self.assertEqual(self.company.fusion_forecast_service_level, 90.0)
        for values in ({"fusion_forecast_horizon_weeks": 0}, {"fusion_forecast_horizon_weeks": 27},
                       {"fusion_forecast_service_level": 40.0}, {"fusion_forecast_service_level": 100.0}):
            with self.assertRaises(ValidationError):
                self.company.write(values)
