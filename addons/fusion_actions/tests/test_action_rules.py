from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ai_insights.actions import OFFER_DAYS, control_draw

from .common import FusionActionsCommon


@tagged("post_install", "-at_install")
class TestActionRules(FusionActionsCommon):
    def logs(self, rule):
        return self.env["fusion.action.log"].search([("rule_id", "=", rule.id)])

    def test_impossible_rules_are_refused(self):
        for values in ({"min_clv": 5000, "max_clv": 1000}, {"threshold": 1.5}, {"do_email": True},
                       {"do_offer": True}, {"do_activity": False},
                       {"do_escalate": True}, {"trigger": "scarce_product"}):
            with self.subTest(values=values), self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.make_rule(**values)

    def test_activities_with_reasons_for_the_treated_none_for_control(self):
        rule = self.make_rule()
        rule._run_rules()
        logs = self.logs(rule)
        acted, control = logs.filtered(lambda l: l.status == "act"), logs.filtered(lambda l: l.status == "control")
        self.assertEqual(len(acted) + len(control), 43)  # activities need no marketing consent
        self.assertNotIn(self.safe, logs.partner_id)  # below the threshold
        expected_control = control_draw(rule.id, logs.partner_id.ids, rule.salt) < 0.25
        self.assertEqual(set(control.partner_id.ids), set(logs.partner_id.filtered(
            lambda p: expected_control[logs.partner_id.ids.index(p.id)]).ids))
        self.assertTrue(control and acted)
        activities = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                       ("res_id", "in", logs.partner_id.ids)])
        self.assertEqual(set(activities.mapped("res_id")), set(acted.partner_id.ids))
        # The customer's salesperson, or the rule's user for a customer without one (which of the customers
        # without one are held out depends on the rule's id, so on which addons are installed)
        self.assertEqual(set(activities.mapped("user_id").ids),
                         {(partner.user_id or self.fusion_manager).id for partner in acted.partner_id})
        self.assertIn("No order for 120 days", activities[0].note)
        self.assertEqual(set(acted.mapped("model_version")), {"churn 3"})
        self.assertTrue(all("Pays 20 days late" in log.reasons for log in acted))

    def test_emails_only_to_consenting_partners_and_never_twice(self):
        rule = self.make_rule(do_activity=False, do_email=True, mail_template_id=self.template.id, control_share=0)
        counts = rule._run_rules()
        logs = self.logs(rule)
        acted = logs.filtered(lambda l: l.status == "act")
        self.assertEqual(acted.partner_id, self.risky)
        skipped = {log.partner_id: log.skip_reason for log in logs if log.status == "skipped"}
        self.assertEqual(skipped, {self.no_email: "no_email", self.blacklisted: "blacklisted_email",
                                   self.opted_out: "no_consent_email"})
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", logs.partner_id.ids)])
        self.assertEqual(set(mails.mapped("res_id")), set(self.risky.ids))
        self.assertEqual(acted.mail_id, mails)
        self.assertEqual(counts, {"act": 40, "skipped": 3})
        again = rule._run_rules(fields.Date.context_today(rule) + timedelta(days=5))
        self.assertEqual(again, {"duplicate": 40, "skipped": 3})  # skips are not logged twice either
        self.assertEqual(len(self.logs(rule)), 43)
        self.assertEqual(self.env["mail.mail"].search_count([("res_id", "in", logs.partner_id.ids),
                                                             ("model", "=", "res.partner")]), 40)

    def test_service_messages_go_to_opted_out_but_not_blacklisted(self):
        rule = self.make_rule(do_activity=False, do_email=True, mail_template_id=self.template.id,
                              control_share=0, purpose="service")
        rule._run_rules()
        acted = self.logs(rule).filtered(lambda l: l.status == "act").partner_id
        self.assertIn(self.opted_out, acted)
        self.assertNotIn(self.blacklisted, acted)

    def test_offers_stay_inside_the_guardrail(self):
        expensive = self.env["product.product"].create({"name": "Thin margin", "type": "consu", "lst_price": 100.0,
                                                        "standard_price": 95.0})
        rule = self.make_rule(do_offer=True, offer_discount=30.0, offer_product_ids=[(6, 0, [expensive.id,
                                                                                             self.product.id])],
                              control_share=0)
        rule._run_rules()
        acted = self.logs(rule).filtered(lambda l: l.status == "act")
        self.assertTrue(acted.sale_order_id)
        for log in acted:
            line = log.sale_order_id.order_line
            self.assertEqual(line.product_id, self.product)  # the thin-margin product has no room
            self.assertLess(line.discount, 30.0)
            self.assertGreaterEqual(line.price_unit * (1 - line.discount / 100), 60.0 / 0.85 - 0.01)
            self.assertEqual(log.offer_status, "capped")
            self.assertIn("offer", log.actions_done)

    def test_offers_without_listed_products_go_to_what_each_customer_buys_most(self):
        favourite = self.env["product.product"].create({"name": "Favourite", "type": "consu", "lst_price": 50.0,
                                                        "standard_price": 20.0})
        first, second, nothing = self.risky[:3]
        orders = self.env["sale.order"].create([
            {"partner_id": first.id, "order_line": [(0, 0, {"product_id": favourite.id, "product_uom_qty": 5}),
                                                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]},
            {"partner_id": second.id, "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})]},
        ])
        orders.action_confirm()
        rule = self.make_rule(do_offer=True, offer_discount=10.0, control_share=0)  # no products listed
        rule._run_rules()
        logs = {log.partner_id: log for log in self.logs(rule)}
        self.assertEqual(logs[first].sale_order_id.order_line.product_id, favourite)
        self.assertEqual(logs[second].sale_order_id.order_line.product_id, self.product)
        self.assertFalse(logs[nothing].sale_order_id)
        self.assertEqual(logs[nothing].offer_status, "no_deliverable_product")

    def test_deliverability_is_the_cores(self):
        vendor = self.env["res.partner"].create({"name": "Fast vendor"})
        Product = self.env["product.product"]
        products = Product.create([
            {"name": "Stocked, none free, no vendor", "type": "consu", "is_storable": True},
            {"name": "Stocked, fast vendor", "type": "consu", "is_storable": True,
             "seller_ids": [(0, 0, {"partner_id": vendor.id, "delay": OFFER_DAYS})]},
            {"name": "Stocked, slow vendor", "type": "consu", "is_storable": True,
             "seller_ids": [(0, 0, {"partner_id": vendor.id, "delay": OFFER_DAYS + 1})]},
            {"name": "Consumable", "type": "consu"},
            {"name": "Service", "type": "service"},
            {"name": "Held back", "type": "consu"},
        ])
        products[-1].product_tmpl_id.fusion_promotion_hold = True
        rule = self.make_rule()
        table = rule._get_fusion_offer_products(products, fields.Date.context_today(rule))
        self.assertEqual(table["product_id"].tolist(), products.ids)
        self.assertEqual(table["deliverable"].tolist(), [False, True, False, True, True, False])

    def test_outcomes_and_impact(self):
        rule = self.make_rule(outcome_days=30)
        rule._run_rules(fields.Date.context_today(rule) - timedelta(days=40))
        logs = self.logs(rule)
        buyer = logs.filtered(lambda l: l.status == "act")[:1].partner_id
        order = self.env["sale.order"].create({
            "partner_id": buyer.id, "date_order": fields.Datetime.now() - timedelta(days=35),
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})]})
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=35)
        self.env["fusion.action.log"]._cron_measure_outcomes()
        self.assertTrue(all(logs.mapped("outcome_measured")))
        bought = logs.filtered(lambda l: l.partner_id == buyer)
        self.assertEqual((bought.outcome_reordered, bought.outcome_churned), (1, 0))
        self.assertAlmostEqual(bought.outcome_margin, 2 * (100 - 60))
        self.assertIn("churned", rule.impact_summary)
        self.assertGreater(rule.uplift, 0)

    def test_least_privilege(self):
        rule = self.make_rule()
        with self.assertRaises(AccessError):
            rule.with_user(self.fusion_user).action_run()
        with self.assertRaises(AccessError):
            self.env["fusion.action.log"].with_user(self.api_user).search([])
        with self.assertRaises(AccessError):
            rule.with_user(self.api_user).read(["name"])
        rule.with_user(self.fusion_manager).action_run()
        logs = self.env["fusion.action.log"].with_user(self.fusion_user).search([("rule_id", "=", rule.id)])
        self.assertTrue(logs)
        with self.assertRaises(AccessError):
            logs.with_user(self.fusion_manager).unlink()

    def test_product_rules_hold_promotions_and_propose_replenishment(self):
        scarce = self.env["product.product"].create({"name": "Scarce", "type": "consu"})
        self.env["fusion.action.signal"].create({"trigger": "scarce_product", "product_id": scarce.id, "score": 3})
        rule = self.make_rule(trigger="scarce_product", threshold=10, do_activity=False, do_hold_promotion=True,
                              do_replenish=True, control_share=0)
        rule._run_rules()
        self.assertTrue(scarce.product_tmpl_id.fusion_promotion_hold)
        activity = self.env["mail.activity"].search([("res_model", "=", "product.template"),
                                                     ("res_id", "=", scarce.product_tmpl_id.id)])
        self.assertEqual(activity.user_id, self.fusion_manager)
