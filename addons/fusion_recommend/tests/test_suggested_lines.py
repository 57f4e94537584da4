import re
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import formatLang

from .common import RecommendCommon


@tagged("post_install", "-at_install")
class TestSuggestedLines(RecommendCommon):
    def _suggest(self, lines, user=None):
        order = self._make_order(lines, user=user, user_id=(user or self.env.user).id)
        order.action_fusion_suggest_lines()
        return order, {s.product_id: s for s in order.fusion_suggestion_ids}

    def test_complement_is_suggested_with_why_and_added_in_one_click(self):
        order, suggested = self._suggest([(self.desk, 1)], user=self.salesperson)
        chair = suggested[self.chair]
        self.assertTrue(chair.available)
        self.assertEqual(chair.source, "complement")
        self.assertIn("Desk", chair.reason_text)
        self.assertTrue(self.today <= chair.promised_date <= self.today + timedelta(days=14))
        self.assertNotIn(self.desk, suggested, "a product already on the quotation is not suggested")
        chair.action_fusion_add_line()
        self.assertIn(self.chair, order.order_line.product_id)
        self.assertNotIn(self.chair, order.fusion_suggestion_ids.product_id)

    def test_what_cannot_be_honoured_is_shown_with_why_and_cannot_be_added(self):
        _order, suggested = self._suggest([(self.desk, 1)])
        self.assertFalse(suggested[self.lamp].available)
        self.assertIn(suggested[self.lamp].filter_reason, ("not_deliverable", "out_of_stock"))
        self.assertEqual(suggested[self.cheap].filter_reason, "below_floor")
        self.assertEqual(suggested[self.chair].sequence < suggested[self.lamp].sequence, True,
                         "available suggestions come first")
        with self.assertRaises(UserError):
            suggested[self.cheap].action_fusion_add_line()

    def test_a_product_just_returned_is_not_offered(self):
        customer = self.buyers[0]
        picking = self.env["stock.picking"].create({
            "partner_id": customer.id, "picking_type_id": self.warehouse.in_type_id.id,
            "location_id": self.env.ref("stock.stock_location_customers").id,
            "location_dest_id": self.warehouse.lot_stock_id.id,
        })
        original = self.env["stock.move"].create({
            "name": "sold chair", "product_id": self.chair.id, "product_uom_qty": 1, "state": "done",
            "product_uom": self.chair.uom_id.id, "location_id": self.warehouse.lot_stock_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
        })
        self.env["stock.move"].create({
            "name": "returned chair", "product_id": self.chair.id, "product_uom_qty": 1, "picking_id": picking.id,
            "product_uom": self.chair.uom_id.id, "origin_returned_move_id": original.id, "state": "done",
            "location_id": picking.location_id.id, "location_dest_id": picking.location_dest_id.id,
        })
        order = self._make_order([(self.desk, 1)], partner_id=customer.id)
        order.action_fusion_suggest_lines()
        chair = order.fusion_suggestion_ids.filtered(lambda s: s.product_id == self.chair)
        self.assertEqual(chair.filter_reason, "recently_refused")

    def test_a_quotation_in_another_currency_is_offered_at_its_pricelist_prices_in_that_currency(self):
        euro = self.env.ref("base.EUR")
        other = euro if self.company.currency_id != euro else self.env.ref("base.USD")
        other.active = True
        other.rate_ids.unlink()
        self.env["res.currency.rate"].create({"currency_id": other.id, "company_id": self.company.id,
                                              "name": self.today - timedelta(days=30), "rate": 0.5})
        pricelist = self.env["product.pricelist"].create({
            "name": "Other currency", "currency_id": other.id, "company_id": self.company.id,
            "item_ids": [Command.create({"applied_on": "0_product_variant", "product_id": product.id,
                                         "compute_price": "fixed", "fixed_price": price})
                         for product, price in ((self.chair, 80.0), (self.cheap, 100.0))],
        })
        order = self._make_order([(self.desk, 1)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, other)
        order.action_fusion_suggest_lines()
        suggested = {s.product_id: s for s in order.fusion_suggestion_ids}
        chair, cheap = suggested[self.chair], suggested[self.cheap]
        self.assertEqual((chair.currency_id, chair.price_unit), (other, 80.0), "the pricelist's price, its currency")
        self.assertIn(formatLang(self.env, 80.0, currency_obj=other), chair.reason_text)
        # 100 in the pricelist's currency on a cost of 95 in the company's (47.5 at the rate): above the floor
        self.assertEqual(cheap.filter_reason, "available")
        chair.action_fusion_add_line()
        line = order.order_line.filtered(lambda line: line.product_id == self.chair)
        self.assertEqual((line.currency_id, line.price_unit), (other, 80.0),
                         "the line is added at the price the suggestion showed")

    def test_a_salesperson_sees_suggestions_of_own_quotations_only(self):
        mine, _suggested = self._suggest([(self.desk, 1)], user=self.salesperson)
        theirs, _suggested = self._suggest([(self.desk, 1)], user=self.other_seller)
        as_me = self.env["fusion.sale.suggestion"].with_user(self.salesperson)
        self.assertEqual(as_me.search([]).order_id, mine)
        with self.assertRaises(AccessError):
            theirs.fusion_suggestion_ids.with_user(self.salesperson).read(["reason_text"])


@tagged("post_install", "-at_install")
class TestSuggestionReasonsInTheReaderLanguage(RecommendCommon):
    """A suggestion's reasons are kept as codes and figures and read in each reader's language and formats."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_spanish("fusion_recommend")
        cls.spanish_salesperson = new_test_user(
            cls.env, "reco_vendedora", groups="sales_team.group_sale_salesman,fusion_base.group_fusion_user",
            lang="es_ES")

    def test_spanish_and_english_readers_read_the_same_suggestion_each_in_their_own_words(self):
        # The Spanish salesperson clicks "Suggest lines"; her manager reads the same rows in English
        order = self._make_order([(self.desk, 1)], user=self.spanish_salesperson, user_id=self.spanish_salesperson.id)
        self.as_reader(order, self.spanish_salesperson).action_fusion_suggest_lines()
        suggestions = order.fusion_suggestion_ids
        chair = suggestions.filtered(lambda suggestion: suggestion.product_id == self.chair)
        cheap = suggestions.filtered(lambda suggestion: suggestion.product_id == self.cheap)
        self.assertFalse(chair.reason, "nothing is stored in the clicker's words")
        self.assertEqual([reason["code"] for reason in chair.reason_data],
                         ["suggestion_complement", "suggestion_available"])
        spanish = self.as_reader(chair, self.spanish_salesperson).reason_text
        english = self.as_reader(chair, self.manager).reason_text
        self.assertRegex(spanish, r"^Se compra con Desk \d+,\d\d veces más de lo que cabría esperar por azar\. "
                                  r"Se puede entregar el ")
        self.assertRegex(english, r"^Bought with Desk \d+\.\d\d times more often than by chance\. "
                                  r"Can be delivered on ")
        self.assertIn(chair.promised_date.strftime("%d/%m/%Y"), spanish, "a Spanish date")
        self.assertIn(chair.promised_date.strftime("%m/%d/%Y"), english, "an English date")
        spanish_env, english_env = (self.as_reader(chair, user).env for user in (self.spanish_salesperson,
                                                                                 self.manager))
        self.assertIn(formatLang(spanish_env, chair.price_unit, currency_obj=chair.currency_id), spanish)
        self.assertIn(formatLang(english_env, chair.price_unit, currency_obj=chair.currency_id), english)
        self.assertNotEqual(re.sub(r"\D", "", spanish), "", "figures are written")
        self.assertEqual(self.as_reader(cheap, self.spanish_salesperson).reason_text.split(". ")[1],
                         "No se ofrece: su precio quedaría por debajo del margen mínimo.")
        self.assertEqual(self.as_reader(cheap, self.manager).reason_text.split(". ")[1],
                         "Not offered: its price would be below the margin floor.")
        # The whole list in one rendering: reading every row's reason costs no query per row
        rows = self.as_reader(suggestions, self.manager)
        rows.fetch(["reason_data", "reason", "currency_id"])
        self.assertGreater(len(rows), 3)
        with self.assertQueryCount(4):  # the complements' names and the currency's format: once, not once a row
            rows.mapped("reason_text")

    def test_a_suggestion_kept_in_words_before_the_codes_keeps_showing_its_words(self):
        order = self._make_order([(self.desk, 1)])
        old = self.env["fusion.sale.suggestion"].create({
            "order_id": order.id, "product_id": self.chair.id, "source": "complement", "available": True,
            "filter_reason": "available", "reason": "Bought with Desk 3.0 times more often than by chance."})
        self.assertEqual(self.as_reader(old, self.spanish_salesperson).reason_text, old.reason)
