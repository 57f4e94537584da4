from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import formatLang

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPriceProposals(PricingCommon):
    def test_a_responsive_product_gets_a_proposal_inside_the_guardrail_with_its_reason(self):
        proposals = self.propose()
        self.assertEqual(proposals.product_id, self.elastic, "the product that barely responds keeps its price")
        proposal = proposals
        self.assertEqual(proposal.state, "proposed")
        self.assertGreater(proposal.discount, 0)
        self.assertLessEqual(proposal.discount, proposal.max_discount + 1e-6)
        self.assertGreaterEqual(proposal.proposed_price, proposal.floor_price - 1e-6)
        self.assertAlmostEqual(proposal.elasticity, -4.0, delta=0.3)
        self.assertGreater(proposal.expected_volume_change, 0)
        self.assertIn("for every 1% off", proposal.reason_text)
        self.assertEqual(proposal.reason_data[0]["code"], "pricing_discount")
        self.assertFalse(proposal.item_id, "nothing is applied before a manager approves")

    def test_a_manager_approves_several_at_once_and_the_pricelist_applies_the_price_until_it_ends(self):
        proposal = self.propose()
        proposal.with_user(self.manager).action_approve()
        self.assertEqual(proposal.state, "applied")
        self.assertEqual(proposal.item_id.fixed_price, proposal.proposed_price)
        self.assertEqual(proposal.item_id.date_end.date(), proposal.date_end)
        self.assertAlmostEqual(self.pricelist._get_product_price(self.elastic, 1.0), proposal.proposed_price)
        self.assertEqual(proposal.change_ids.mapped("action"), ["applied"])
        self.assertEqual(proposal.change_ids.user_id, self.manager)

    def test_revert_restores_the_previous_price_and_rule(self):
        first = self.propose()
        first.with_user(self.manager).action_approve()
        end_of_first = first.item_id.date_end
        # Once applied, the same data propose nothing new: a newer proposal at another price replaces it.
        second = first.copy({"state": "proposed", "proposed_price": first.proposed_price - 1.0,
                             "current_price": first.proposed_price})
        second.with_user(self.manager).action_approve()
        self.assertEqual(first.state, "replaced")
        self.assertAlmostEqual(self.pricelist._get_product_price(self.elastic, 1.0), second.proposed_price)
        second.with_user(self.manager).action_revert()
        self.assertEqual(second.state, "reverted")
        self.assertFalse(second.item_id.exists())
        self.assertEqual(first.state, "applied")
        self.assertEqual(first.item_id.date_end, end_of_first)
        self.assertAlmostEqual(self.pricelist._get_product_price(self.elastic, 1.0), first.proposed_price)
        first.with_user(self.manager).action_revert()
        self.assertAlmostEqual(self.pricelist._get_product_price(self.elastic, 1.0), 100.0)
        actions = self.env["fusion.price.change"].search([("product_id", "=", self.elastic.id)]).mapped("action")
        self.assertEqual(sorted(actions), ["applied", "applied", "replaced", "reverted", "reverted"])

    def test_small_changes_apply_by_themselves_only_inside_the_band(self):
        self.company.write({"fusion_pricing_auto_apply": True, "fusion_pricing_auto_band": 1.0})
        proposal = self.propose()
        self.assertEqual(proposal.state, "proposed", "a change beyond the band waits for a manager")
        self.company.fusion_pricing_auto_band = 60.0
        proposal = self.propose()
        self.assertEqual(proposal.state, "applied")
        self.assertEqual(proposal.change_ids.action, "auto_applied")

    def test_a_salesperson_cannot_apply_reject_or_revert_prices(self):
        proposal = self.propose()
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson).action_approve()
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson).action_reject()
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson).write({"state": "applied"})
        self.assertEqual(proposal.state, "proposed")
        self.assertFalse(self.env["product.pricelist.item"].search([("pricelist_id", "=", self.pricelist.id)]))
        proposal.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson).action_revert()

    def test_the_control_group_keeps_the_old_price_and_the_impact_report_compares_both(self):
        self.company.fusion_pricing_control_share = 99.0
        proposals = self.propose()
        self.assertEqual(set(proposals.mapped("state")), {"control"})
        self.assertFalse(proposals.item_id)
        action = self.env["fusion.price.impact"].with_user(self.fusion_user).action_open_report()
        rows = self.env["fusion.price.impact"].with_user(self.fusion_user).search(action["domain"])
        self.assertEqual(rows.mapped("group"), ["treated", "control"])
        control = rows.filtered(lambda row: row.group == "control")
        self.assertEqual(control.products, len(proposals))
        self.assertGreater(control.volume_before, 0, "the weeks before the proposals had sales")

    def test_other_companies_do_not_see_the_proposals(self):
        self.propose()
        other = self.env["res.company"].create({"name": "Other pricing company"})
        outsider = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Outsider", "login": "pricing_outsider", "company_id": other.id, "company_ids": [(6, 0, other.ids)],
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("fusion_base.group_fusion_manager").id])]})
        self.assertFalse(self.env["fusion.price.proposal"].with_user(outsider).search([]))

    def test_a_segment_pricelist_is_priced_from_its_own_customers_orders(self):
        """Trade customers bargain on the hammer too: their pricelist is offered it; the company's pricelist is not."""
        wholesale = self.env["product.pricelist"].create({"name": "Wholesale", "company_id": self.company.id})
        trade = self.env["res.partner"].create({"name": "Almacenes Centro SA", "is_company": True,
                                                "property_product_pricelist": wholesale.id})
        self._sales_history(trade, wholesale, {self.elastic: -4.0, self.flat: -4.0})
        self.company.fusion_pricing_segment_pricelist_ids = wholesale
        self.assertEqual(self.env["res.config.settings"].create({}).fusion_pricing_segment_pricelist_ids, wholesale)
        self.assertEqual(self.company._get_fusion_priced_pricelists(), self.pricelist | wholesale)

        proposals = self.propose()
        mine = proposals.filtered(lambda proposal: proposal.pricelist_id == self.pricelist)
        theirs = proposals.filtered(lambda proposal: proposal.pricelist_id == wholesale)
        self.assertEqual(mine.product_id, self.elastic, "the company's own customers do not respond on the hammer")
        self.assertEqual(theirs.product_id, self.products)
        hammer = theirs.filtered(lambda proposal: proposal.product_id == self.flat)
        self.assertAlmostEqual(hammer.elasticity, -4.0, delta=0.3, msg="learnt from the wholesale orders alone")

        theirs.with_user(self.manager).action_approve()
        self.assertEqual(mine.mapped("state"), ["proposed"], "approving one pricelist leaves the other's alone")
        self.assertAlmostEqual(wholesale._get_product_price(self.flat, 1.0), hammer.proposed_price)
        self.assertEqual(self.pricelist._get_product_price(self.flat, 1.0), 100.0)
        quotation = self.env["sale.order"].create({"partner_id": trade.id, "order_line": [
            (0, 0, {"product_id": self.flat.id, "product_uom_qty": 1})]})
        self.assertEqual(quotation.pricelist_id, wholesale)
        self.assertAlmostEqual(quotation.order_line.price_unit, hammer.proposed_price)

    def test_a_customer_pricelist_without_history_learns_from_the_company(self):
        own = self.env["product.pricelist"].create({"name": "Ferretería Sur prices", "company_id": self.company.id})
        self.company.fusion_pricing_segment_pricelist_ids = own
        proposals = self.propose().filtered(lambda proposal: proposal.pricelist_id == own)
        self.assertEqual(proposals.product_id, self.elastic)
        self.assertAlmostEqual(proposals.elasticity, -4.0, delta=0.3)


@tagged("post_install", "-at_install")
class TestPriceProposalReasonsInTheReaderLanguage(PricingCommon):
    """A proposal's reasons are kept as codes and figures and read in each reader's language and formats."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_spanish("fusion_pricing")
        cls.spanish_manager = new_test_user(
            cls.env, "precios_gerente", groups="base.group_user,fusion_base.group_fusion_manager", lang="es_ES")

    def test_each_manager_reads_the_proposal_in_their_language_whoever_made_it(self):
        # The weekly job ran for a Spanish manager; an English manager reads the same proposal
        proposal = self.as_reader(self.env["fusion.price.proposal"], self.spanish_manager).sudo()._propose(
            self.company, self.today)
        self.assertFalse(proposal.reason, "nothing is stored in the words of whoever ran the job")
        spanish = self.as_reader(proposal, self.spanish_manager).reason_text
        english = self.as_reader(proposal, self.manager).reason_text
        self.assertEqual(len(spanish.split("\n")), len(proposal.reason_data))
        self.assertTrue(spanish.startswith("Un descuento del "), spanish)
        english_price = formatLang(self.as_reader(proposal, self.manager).env, proposal.proposed_price,
                                   currency_obj=proposal.currency_id)
        self.assertIn(f"off (price {english_price}) is expected to earn more", english.split("\n")[0])
        spanish_price = formatLang(self.as_reader(proposal, self.spanish_manager).env, proposal.proposed_price,
                                   currency_obj=proposal.currency_id)
        self.assertIn(f"(precio {spanish_price})", spanish, "the price in Spanish formats, in the pricelist's currency")
        self.assertIn("for every 1% off", english)
        self.assertNotIn("for every 1% off", spanish)
        # The manager who ran it switches to English: the same proposal now reads in English for them
        self.spanish_manager.lang = "en_US"
        self.assertEqual(self.as_reader(proposal, self.spanish_manager).reason_text, english)

    def test_a_proposal_kept_in_words_before_the_codes_keeps_showing_its_words(self):
        proposal = self.propose()
        old = proposal.copy({"reason": "22.5% off (price $ 6.66) is expected to earn more", "reason_data": False})
        self.assertEqual(self.as_reader(old, self.spanish_manager).reason_text, old.reason)
        self.assertEqual(self.as_reader(old | proposal, self.manager).mapped("reason_text")[1],
                         self.as_reader(proposal, self.manager).reason_text, "old and new rows read together")
