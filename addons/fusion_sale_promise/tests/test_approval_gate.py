from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PromiseCommon


@tagged("post_install", "-at_install")
class TestApprovalGate(PromiseCommon):
    def _greedy_order(self):
        return self._make_order([(self.chair, 2, {"discount": 45})], user=self.salesperson)

    def test_salesman_confirms_an_order_within_bounds(self):
        order = self._make_order([(self.chair, 2, {"discount": 5})], commitment_days=3, user=self.salesperson)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_salesman_cannot_confirm_an_exception(self):
        order = self._greedy_order()
        with self.assertRaisesRegex(UserError, "a manager must"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_salesman_cannot_approve_by_writing(self):
        order = self._greedy_order()
        with self.assertRaises(AccessError):
            order.write({"fusion_approved_by_id": self.salesperson.id, "fusion_approval_reason": "trust me"})
        with self.assertRaises(AccessError):
            order._fusion_record_approval("trust me")
        with self.assertRaises(AccessError):
            self.env["fusion.promise.approval"].with_user(self.salesperson).create(
                {"order_id": order.id, "reason": "trust me"})

    def test_manager_approves_with_a_reason_in_the_chatter(self):
        order = self._greedy_order().with_user(self.manager)
        with self.assertRaisesRegex(UserError, "a manager must"):  # no silent no-op over RPC
            order.action_confirm()
        action = order.with_context(fusion_approval_wizard=True).action_confirm()
        self.assertEqual(action["res_model"], "fusion.promise.approval")
        self.assertEqual(order.state, "draft")
        wizard = self.env["fusion.promise.approval"].with_user(self.manager).with_context(**action["context"]).create(
            {"reason": "Key account, agreed by the sales director"})
        wizard.action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fusion_approved_by_id, self.manager)
        note = order.message_ids.filtered(lambda message: "Key account" in (message.body or ""))
        self.assertTrue(note)
        self.assertIn("Chair", note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)

    def test_an_approval_is_void_once_the_order_changes(self):
        order = self._greedy_order()
        order.with_user(self.manager)._fusion_record_approval("one-off")
        self.assertTrue(order.fusion_approval_valid)
        order.order_line.product_uom_qty = 3
        self.assertFalse(order.fusion_approval_valid)
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_an_approval_covers_the_salesman_afterwards(self):
        order = self._greedy_order()
        order.with_user(self.manager)._fusion_record_approval("one-off")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_copy_needs_a_new_approval(self):
        order = self._greedy_order()
        order.with_user(self.manager)._fusion_record_approval("one-off")
        copy = order.copy()
        self.assertFalse(copy.fusion_approved_by_id)
        with self.assertRaises(UserError):
            copy.action_confirm()

    def test_manager_approves_with_a_reason_in_the_context(self):
        order = self._greedy_order()
        with self.assertRaises(UserError):  # a salesperson's reason is no approval
            order.with_context(fusion_approval_reason="trust me").action_confirm()
        order.with_user(self.manager).with_context(fusion_approval_reason="Clearance deal").action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fusion_approval_reason, "Clearance deal")

    def test_salesperson_requests_approval_and_the_manager_approves(self):
        order = self._greedy_order()
        action = order.with_context(fusion_approval_wizard=True).action_confirm()  # Confirm on the form
        self.assertEqual(action["res_model"], "fusion.promise.approval.request")
        request = self.env["fusion.promise.approval.request"].with_user(self.salesperson).with_context(
            **action["context"]).create({"note": "Competing offer at 40%"})
        self.assertIn("Chair", request.exceptions)
        request.action_request()
        self.assertEqual(order.fusion_approval_requested_by_id, self.salesperson)
        activity = order.activity_ids.filtered(lambda act: act.user_id == self.manager)
        self.assertEqual(activity.activity_type_id, self.env.ref(
            "fusion_sale_promise.mail_activity_type_fusion_approval"))
        self.assertIn("Competing offer", activity.note)
        with self.assertRaisesRegex(UserError, "Approval has been requested"):
            order.action_quotation_send()
        wizard = self.env["fusion.promise.approval"].with_user(self.manager).create(
            {"order_id": order.id, "reason": "Match the competitor"})
        wizard.action_approve()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.activity_ids.filtered(lambda act: act.user_id == self.manager))
        told = order.message_ids.filtered(lambda message: self.salesperson.partner_id in message.partner_ids)
        self.assertIn("Match the competitor", told.body)

    def test_manager_rejects_and_the_salesperson_gets_an_activity(self):
        order = self._greedy_order()
        order._fusion_request_approval()
        wizard = self.env["fusion.promise.approval"].with_user(self.manager).create(
            {"order_id": order.id, "reason": "Too low for this customer"})
        wizard.action_reject()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.fusion_approval_requested_by_id)
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertIn("Too low", todo.note)
        self.assertFalse(order.activity_ids.filtered(lambda act: act.user_id == self.manager))

    def test_an_unapproved_exception_is_not_sent(self):
        order = self._greedy_order()
        with self.assertRaisesRegex(UserError, "Request approval"):
            order.action_quotation_send()
        within = self._make_order([(self.chair, 2, {"discount": 5})], user=self.salesperson)
        self.assertEqual(within.action_quotation_send()["type"], "ir.actions.act_window")

    def test_sales_users_see_the_suite_and_line_discounts(self):
        seller = new_test_user(self.env, "plain_seller", groups="sales_team.group_sale_salesman")
        self.assertTrue(seller.has_group("fusion_base.group_fusion_user"))
        self.assertTrue(seller.has_group("sale.group_discount_per_so_line"))
        self.assertFalse(seller.has_group("fusion_base.group_fusion_manager"))
