from odoo.tests import tagged

from .common import PromiseCommon


@tagged("post_install", "-at_install")
class TestApprovalLanguage(PromiseCommon):
    """An approval's activities speak their reader's language; chatter notes their author's (as Odoo's messages)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"]._load_module_terms(["fusion_base", "fusion_sale_promise"], ["es_ES"],
                                                       overwrite=True)

    def _greedy_order(self, requester_lang, manager_lang):
        self.salesperson.lang = requester_lang
        self.manager.lang = manager_lang
        order = self._make_order([(self.chair, 2, {"discount": 45})], user=self.salesperson)
        return order.with_context(lang=requester_lang)

    def test_an_english_request_reaches_a_spanish_manager_in_spanish(self):
        order = self._greedy_order("en_US", "es_ES")
        self.assertIn("exceeds the maximum", order.fusion_promise_alert)
        order._fusion_request_approval(note="Competing offer at 40%")
        activity = order.activity_ids.filtered(lambda act: act.user_id == self.manager)
        self.assertEqual(activity.summary, f"Aprobar las excepciones de {order.name}")
        self.assertIn(f"{self.salesperson.name} pide la aprobación de estas excepciones:", activity.note)
        self.assertIn("Chair: Un descuento del", activity.note)
        self.assertIn("supera el máximo que permite esta línea", activity.note)
        self.assertIn("Competing offer at 40%", activity.note, "the requester's own words stay as written")
        self.assertNotIn("exceeds", activity.note)
        note = order.message_ids.filtered(lambda message: "asks for approval" in (message.body or ""))
        self.assertTrue(note, "the chatter note stays in the requester's language")
        self.assertIn("exceeds the maximum this line allows", note.body)

    def test_a_spanish_request_reaches_an_english_manager_in_english(self):
        order = self._greedy_order("es_ES", "en_US")
        order._fusion_request_approval()
        activity = order.activity_ids.filtered(lambda act: act.user_id == self.manager)
        self.assertEqual(activity.summary, f"Approve the exceptions of {order.name}")
        self.assertIn("exceeds the maximum this line allows", activity.note)
        note = order.message_ids.filtered(lambda message: "pide la aprobación" in (message.body or ""))
        self.assertIn("supera el máximo", note.body)

    def test_a_spanish_refusal_reaches_an_english_salesperson_in_english(self):
        order = self._greedy_order("en_US", "es_ES")
        order._fusion_request_approval()
        wizard = self.env["fusion.promise.approval"].with_user(self.manager).with_context(lang="es_ES").create(
            {"order_id": order.id, "reason": "Demasiado bajo para este cliente"})
        wizard.action_reject()
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertEqual(todo.summary, f"Exceptions refused: change {order.name}")
        self.assertIn("Exceptions refused: Demasiado bajo para este cliente", todo.note)
        self.assertIn("Chair: A discount of", todo.note)
        told = order.message_ids.filtered(lambda message: "Excepciones rechazadas" in (message.body or ""))
        self.assertTrue(told, "the chatter note is in the manager's language")
        self.assertIn("supera el máximo", told.body)
