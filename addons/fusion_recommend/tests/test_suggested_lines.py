from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

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
        self.assertIn("Desk", chair.reason)
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

    def test_a_salesperson_sees_suggestions_of_own_quotations_only(self):
        mine, _suggested = self._suggest([(self.desk, 1)], user=self.salesperson)
        theirs, _suggested = self._suggest([(self.desk, 1)], user=self.other_seller)
        as_me = self.env["fusion.sale.suggestion"].with_user(self.salesperson)
        self.assertEqual(as_me.search([]).order_id, mine)
        with self.assertRaises(AccessError):
            theirs.fusion_suggestion_ids.with_user(self.salesperson).read(["reason"])
