"""The promise contract: every path gives every open quotation line the same promise and discount limit.

The small demo company is loaded into the test database, generated as of
today so that the form (which promises as of today) and the main job (which
promises as of its tables' reference date) answer on the same day. Then, for
every line of every open quotation, promise status, promised date and
maximum discount must be identical from:

(a) the form's computed fields, read by a salesperson with rights on their
    own documents only (the quotations are theirs; the company's other
    orders, which make the demand, are not);
(b) the same fields read by a sales manager who sees everything;
(c) ``sale.order.fusion_simulate_quote``, called as the external CRM's API
    user with the quotation's lines (the XML-RPC method; the RPC tier calls it
    over the wire too);
(d) ``sale.order.fusion_check_order`` on the quotation, as the API user;
(e) the main job's promise step (``demo_company.main_job.promises_and_pricing``)
    on the company's tables read back from this database by the one reader
    (``crm_bridge.tables.odoo.read_company``).

It lives in this glue addon because loading the demo company needs CRM
besides the sale promise. To keep it quick, only the company's recent months
are loaded (:func:`_recent_company`): what the promise and the discount limit
read (stock, receipts, open deliveries, the demand window's sales, open
quotations) is all there.
"""

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.fusion_base.tests.common import FusionCommon

from crm_bridge.tables.backends import OrmBackend
from crm_bridge.tables.odoo import read_company
from demo_company import generate
from demo_company.main_job import JobContext, promises_and_pricing
from demo_company.odoo_loader import load_company

# Orders of this many days before today are loaded: the 90-day demand window and the orders still open.
RECENT_DAYS = 120


def _recent_company(company):
    """The demo company with only its recent orders (and their lines and invoices), no leads, tickets or notes."""
    since = pd.Timestamp(company.reference_date) - pd.Timedelta(days=RECENT_DAYS)
    orders = company.orders[(company.orders["date_order"] >= since) | (company.orders["state"] == "quotation")]
    kept = company.orders["order_id"].isin(orders["order_id"])
    return dataclasses.replace(
        company, orders=orders, order_lines=company.order_lines[company.order_lines["order_id"].isin(
            company.orders.loc[kept, "order_id"])],
        invoices=company.invoices[company.invoices["order_id"].isin(orders["order_id"])],
        leads=company.leads.iloc[:0], tickets=company.tickets.iloc[:0], interactions=company.interactions.iloc[:0],
    )


def _day(value):
    """A date, an ISO string, a Timestamp, NaT or False as an ISO string or False."""
    if value is False or value is None or pd.isna(value):
        return False
    return pd.Timestamp(value).date().isoformat()


@tagged("post_install", "-at_install")
class TestPromiseContract(FusionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        load_company(_recent_company(generate(seed=7, size="small", reference_date=cls.today)), OrmBackend(cls.env))
        cls.manager = new_test_user(
            cls.env, "contract_manager",
            groups="sales_team.group_sale_salesman_all_leads,fusion_base.group_fusion_manager")
        cls.quotations = cls.env["sale.order"].search(
            [("company_id", "=", cls.company.id), ("state", "in", ("draft", "sent"))], order="id")
        # The salesperson's own quotations; the confirmed orders that make the demand stay their colleagues'.
        cls.quotations.user_id = cls.salesperson
        cls.env.flush_all()

    def _form(self, user):
        """{line id: (status, promised date, max discount)} as the form shows them to ``user``."""
        self.env.invalidate_all()
        lines = self.quotations.with_user(user).order_line.filtered("fusion_promise_status")
        return {line.id: (line.fusion_promise_status, _day(line.fusion_promised_date),
                          round(line.fusion_max_discount, 2)) for line in lines}

    def _api_answer(self, answer, order):
        self.assertTrue(answer["ok"], answer)
        promised = order.order_line.filtered(lambda line: line._fusion_is_promised())
        self.assertEqual(len(answer["lines"]), len(promised))
        return {line.id: (result["status"], _day(result["promised_date"]), round(result["max_discount"] or 0.0, 2))
                for line, result in zip(promised, answer["lines"])}

    def _simulated(self):
        """The quotations' lines sent to the quote simulation as an external CRM would send them."""
        api = self.env["sale.order"].with_user(self.api_user)
        results = {}
        for order in self.quotations:
            commitment = order._get_fusion_commitment_day()
            asked = {"date_asked": max(commitment, self.today).isoformat()} if commitment else {}
            lines = [{"product_id": line.product_id.id, "qty": line.product_uom_qty, "uom_id": line.product_uom.id,
                      "price_unit": line.price_unit, "discount": line.discount, **asked}
                     for line in order.order_line if line._fusion_is_promised()]
            answer = api.fusion_simulate_quote(order.partner_id.id, lines, {"warehouse_id": order.warehouse_id.id})
            results.update(self._api_answer(answer, order))
        return results

    def _checked(self):
        api = self.env["sale.order"].with_user(self.api_user)
        results = {}
        for order in self.quotations:
            results.update(self._api_answer(api.fusion_check_order(order.id), order))
        return results

    def _main_job(self):
        tables = read_company(OrmBackend(self.env(su=True)), reference_date=self.today)
        with tempfile.TemporaryDirectory() as out_dir:
            ctx = JobContext(company=tables, source="test database", out_dir=Path(out_dir))
            promises_and_pricing(ctx)
        lines = ctx.results["quotation_lines"]
        return {int(row.line_id): (row.status, _day(row.promised_date),
                                   0.0 if pd.isna(row.max_discount) else round(float(row.max_discount), 2))
                for row in lines.itertuples()}

    def test_every_path_gives_every_line_the_same_promise_and_discount_limit(self):
        salesperson = self._form(self.salesperson)
        self.assertGreater(len(salesperson), 20, "the small demo company has open quotations to compare")
        self.assertEqual(set(salesperson), set(self.quotations.order_line.filtered(
            lambda line: line._fusion_is_promised()).ids), "every promised line of every open quotation")
        limits = {limit for _status, _date, limit in salesperson.values()}
        self.assertGreater(len(limits), 2, "stock cover and margin make the limits differ from line to line")
        paths = {"manager's form": lambda: self._form(self.manager), "quote simulation": self._simulated,
                 "order check": self._checked, "main job": self._main_job}
        for path, answer in paths.items():
            with self.subTest(path=path):
                results = answer()
                differing = {line: (salesperson[line], results.get(line)) for line in salesperson
                             if results.get(line) != salesperson[line]}
                self.assertFalse(differing, f"{path} disagrees with the salesperson's form on "
                                            f"{len(differing)} of {len(salesperson)} lines (salesperson, {path}): "
                                            f"{dict(list(differing.items())[:5])}")
                self.assertEqual(set(results), set(salesperson))
