from odoo.tests import tagged

from odoo.addons.fusion_churn.tests.common import ChurnCommon


@tagged("post_install", "-at_install")
class TestChurnTickets(ChurnCommon):
    def test_tickets_reach_the_churn_tables_with_sentiment_and_feedback(self):
        customer = self.env["res.partner"].create({"name": "Unhappy Ltd", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Ana", "parent_id": customer.id})
        broken, copy = self.env["helpdesk.ticket"].create([
            {"name": "Broken delivery", "description": "The parcel arrived broken", "partner_id": contact.id},
            {"name": "Invoice copy", "description": "Please send the invoice again", "partner_id": customer.id},
        ])
        # Whatever the analyzer read on arrival, the sentiment the ticket ends with is what the churn model sees.
        broken.fusion_sentiment = "negative"
        copy.write({"fusion_sentiment": "positive", "closed_date": "2026-01-10 10:00:00",
                    "fusion_feedback_rating": "4"})
        tickets = self.env["fusion.churn.dataset"]._get_fusion_tables(self.company)["tickets"]
        mine = tickets[tickets["customer_id"] == customer.id].sort_values("created_at", kind="stable")
        self.assertEqual(len(mine), 2, "a contact's ticket counts for its company")
        self.assertEqual(sorted(mine["sentiment"].astype(str)), ["negative", "positive"])
        self.assertEqual(mine["feedback_score"].dropna().tolist(), [4.0])
        self.assertEqual(mine["closed_at"].notna().sum(), 1, "one ticket is still open")
