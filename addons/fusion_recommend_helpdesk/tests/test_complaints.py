from odoo.tests import tagged

from odoo.addons.fusion_recommend.tests.common import RecommendCommon


@tagged("post_install", "-at_install")
class TestComplaintsAreNotOffered(RecommendCommon):
    """A product the customer complained about in a ticket is not offered to them; to others it still is."""

    def _chair_suggested_to(self, customer):
        order = self._make_order([(self.desk, 1)], partner_id=customer.id)
        order.action_fusion_suggest_lines()
        return order.fusion_suggestion_ids.filtered(lambda suggestion: suggestion.product_id == self.chair)

    def test_a_product_complained_about_is_not_offered_to_the_customer(self):
        complaining, other = self.buyers[0], self.buyers[1]
        contact = self.env["res.partner"].create({"name": "Complaining contact", "parent_id": complaining.id})
        self.assertEqual(self._chair_suggested_to(complaining).filter_reason, "available")
        self.env["helpdesk.ticket"].create({"name": "The chair wobbles", "description": "It wobbles.",
                                            "partner_id": contact.id, "fusion_product_id": self.chair.id})
        refused = self._chair_suggested_to(complaining)
        self.assertEqual((refused.filter_reason, refused.available), ("recently_refused", False))
        self.assertIn("complained", refused.reason_text)
        self.assertEqual(self._chair_suggested_to(other).filter_reason, "available")

    def test_a_ticket_without_a_product_excludes_nothing(self):
        customer = self.buyers[2]
        self.env["helpdesk.ticket"].create({"name": "Where is my invoice?", "description": "Invoice please.",
                                            "partner_id": customer.id})
        self.assertEqual(self._chair_suggested_to(customer).filter_reason, "available")
