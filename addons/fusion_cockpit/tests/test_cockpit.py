import json

import pandas as pd

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from crm_bridge.cockpit.measures import MEASURES, cockpit_figures, cockpit_records

from ..models.fusion_cockpit_measure import PROMISE_VERDICTS
from .common import CockpitCommon


def _key(measure, month, segment, salesperson):
    return measure, month, segment or "", salesperson or ""


@tagged("post_install", "-at_install")
class TestCockpit(CockpitCommon):
    def _stored(self, user=None):
        rows = self.Measure.with_user(user) if user else self.Measure.sudo()
        return rows.search([("company_id", "=", self.company.id)])

    def test_dashboard_figures_are_the_cores(self):
        tables = self.Measure._get_fusion_tables(self.company)
        measure, company = self.Measure, self.company
        records = cockpit_records(tables, self.today, policy=measure._get_fusion_pricing_policy(company, tables),
                                  forecast_daily=measure._get_fusion_forecast_daily(company, tables))
        core = cockpit_figures(records.records, by=("month", "segment", "salesperson"))
        expected = {_key(r.measure, r.month.date() if pd.notna(r.month) else False, r.segment, r.salesperson):
                    (r.value, r.base, r.records) for r in core.itertuples()}
        stored = {_key(r.measure, r.month, r.segment, r.salesperson): (r.value, r.base, r.record_count)
                  for r in self._stored()}
        self.assertEqual(set(stored), set(expected))
        for key, (value, base, count) in expected.items():
            self.assertAlmostEqual(stored[key][0], value, delta=1e-6 * max(1.0, abs(value)), msg=key)
            self.assertAlmostEqual(stored[key][1], base, delta=1e-6 * max(1.0, abs(base)), msg=key)
            self.assertEqual(stored[key][2], count, key)

    def test_the_guardrail_is_the_company_s_policy_with_its_category_floors(self):
        """A discount the default policy allows is given away above the guardrail once its category's floor says so,
        as the sale order would judge it."""
        def refused(records):
            return set(records.loc[records["measure"] == "margin_above_guardrail", "record_id"])

        tables = self.Measure._get_fusion_tables(self.company)
        lines = tables["order_lines"]
        costed = set(lines.loc[(lines["discount"] > 0) & (lines["cost"] > 0) & (lines["price_unit"] > 0), "line_id"])
        allowed = self.env["sale.order.line"].browse(sorted(costed - refused(self.result.records))).filtered(
            lambda line: line.state == "sale")
        self.assertTrue(allowed, "the tiny demo has discounts within the default guardrail")
        line = allowed[0]
        line.product_id.categ_id.fusion_margin_floor = 95.0
        self.assertNotIn(line.id, refused(cockpit_records(tables, self.today).records), "the default policy allows it")
        policy = self.Measure._get_fusion_pricing_policy(self.company, tables)
        self.assertEqual(policy.category_floors[str(line.product_id.categ_id.id)], 0.95)
        self.assertIn(line.id, refused(self.Measure._refresh(self.company, self.today).records))
        stored = self._stored().filtered(lambda r: r.measure == "margin_above_guardrail")
        self.assertIn(line.id, {i for row in stored for i in json.loads(row.res_ids)})

    def test_sales_figures_match_the_demo_tables(self):
        """What the loader put in Odoo, the cockpit counts as the core counts it on the generated tables."""
        demo = cockpit_figures(cockpit_records({**self.demo.public_tables(), **self.demo.record_tables()},
                                               self.today).records, by=("month",))
        rows = self._stored()
        for measure in ("transactions", "sales_volume"):
            mine = rows.filtered(lambda r, m=measure: r.measure == m)
            by_month = {}
            for row in mine:
                by_month[row.month] = by_month.get(row.month, 0.0) + row.value
            theirs = demo[demo["measure"] == measure]
            self.assertEqual(by_month.keys(), {m.date() for m in theirs["month"]}, measure)
            for month, figure in zip(theirs["month"], theirs["figure"]):
                self.assertAlmostEqual(by_month[month.date()], figure, delta=0.01 * max(1.0, abs(figure)),
                                       msg=f"{measure} {month}")

    def test_a_salesperson_sees_own_figures_a_manager_everyones(self):
        everyone = self._stored()
        people = everyone.filtered("user_id").user_id
        self.assertGreater(len(people), 1)
        for person in people:
            self.assertTrue(person.has_group("sales_team.group_sale_salesman"))
            self.assertFalse(person.has_group("sales_team.group_sale_salesman_all_leads"))
            own = self._stored(person)
            self.assertEqual(own, everyone.filtered(lambda r, p=person: r.user_id == p))
        self.assertEqual(self._stored(self.sales_manager), everyone)
        self.assertEqual(self._stored(self.stock_manager), everyone)

    def test_a_row_reads_its_measure_definition_in_the_reader_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        row = self._stored().filtered(lambda r: r.measure == "transactions")[:1]
        self.assertEqual(row.definition, MEASURES["transactions"].definition)
        self.assertEqual(row.with_context(lang="es_ES").definition, "Número de pedidos vendidos.")

    def test_hours_open_of_closed_tickets_are_elapsed_time_from_their_dates(self):
        ticket = self.env["helpdesk.ticket"].create({"name": "Where is my order?", "description": "late"})
        self.env.cr.execute("UPDATE helpdesk_ticket SET create_date = %s, closed_date = %s WHERE id = %s",
                            ("2026-03-02 08:00:00", "2026-03-03 14:30:00", ticket.id))
        ticket.invalidate_recordset()
        elapsed = self.Measure._get_fusion_ticket_elapsed(self.company).set_index("ticket_id")["hours_open"]
        self.assertAlmostEqual(elapsed[ticket.id], 30.5)
        self.assertNotIn("conflict_ticket_open_hours", self.result.unavailable)

    def test_every_figure_opens_its_records(self):
        row = self._stored().filtered(lambda r: r.measure == "sales_volume")[:1]
        action = row.action_open_records()
        orders = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(sorted(orders.ids), json.loads(row.res_ids))
        self.assertEqual(len(orders), row.record_count)
        self.assertAlmostEqual(sum(orders.mapped("amount_untaxed")), row.value, delta=0.01 * row.value)

    def test_cancelling_records_the_promise_verdict_the_lost_sales_count(self):
        """A quotation for far more than the stock: the check says late or impossible; cancelled, it is lost."""
        product = self.env["product.product"].search([("default_code", "!=", False), ("is_storable", "=", True)],
                                                     limit=1)
        customer = self.env["res.partner"].search([("ref", "=like", "DEMO-C%")], limit=1)
        quotation = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            Command.create({"product_id": product.id, "product_uom_qty": 1_000_000})]})
        verdict = quotation.fusion_promise_status
        self.assertTrue(verdict)
        quotation.action_cancel()
        self.assertEqual(quotation.state, "cancel")
        self.assertEqual(quotation.fusion_cockpit_promise_status, verdict)
        checks = self.Measure._get_fusion_promise_checks(self.company).set_index("order_id")["promise_status"]
        self.assertEqual(checks[quotation.id], PROMISE_VERDICTS[verdict])
        self.assertIn(verdict, ("partial", "late", "impossible"))
        result = self.Measure._refresh(self.company, self.today)
        lost = result.records[result.records["measure"] == "lost_after_bad_promise"]
        self.assertIn(quotation.id, set(lost["record_id"]))
        self.assertIn("conflict_ticket_hours", result.unavailable)  # Odoo keeps no support hours here

    def test_monthly_summary_is_posted_to_the_sales_managers(self):
        self.Measure._cron_refresh()
        message = self.env["mail.message"].search([("partner_ids", "in", self.sales_manager.partner_id.ids)],
                                                  order="id desc", limit=1)
        self.assertTrue(message)
        self.assertIn("Cockpit of", message.body)

    def test_only_managers_refresh(self):
        with self.assertRaises(AccessError):
            self.Measure.with_user(self.salesperson).action_refresh()
