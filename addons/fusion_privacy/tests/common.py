from odoo import Command

from odoo.addons.fusion_base.tests.common import FusionCommon


class FusionPrivacyCommon(FusionCommon):
    """A customer with a paid order, a note, an attachment, a consent and, where their modules are installed,
    a ticket with its analysis, a churn score and bridge history; a second customer with an unpaid invoice."""

    NAME, EMAIL, PHONE = "Marta Erasable", "marta.erasable@example.com", "+34 611 222 333"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": cls.NAME, "email": cls.EMAIL, "phone": cls.PHONE,
                                       "street": "Calle Mayor 1", "city": "Madrid", "customer_rank": 1})
        cls.debtor = Partner.create({"name": "Diego Debtor", "email": "diego.debtor@example.com", "customer_rank": 1})
        cls.goods = cls.env["product.product"].create({"name": "Privacy goods", "type": "consu", "list_price": 50.0,
                                                       "invoice_policy": "order", "taxes_id": [Command.clear()]})
        cls.order = cls._order(cls.customer)
        cls.order.action_confirm()
        invoice = cls.order._create_invoices()
        invoice.action_post()
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids) \
            .create({}).action_create_payments()
        cls.invoice = invoice
        debt_order = cls._order(cls.debtor)
        debt_order.action_confirm()
        cls.unpaid = debt_order._create_invoices()
        cls.unpaid.action_post()
        cls.customer.message_post(body=f"Called {cls.NAME} on {cls.PHONE}, write to {cls.EMAIL}",
                                  message_type="comment", subtype_xmlid="mail.mt_note")
        cls.attachment = cls.env["ir.attachment"].create({"name": "id-card.txt", "raw": cls.NAME.encode(),
                                                          "res_model": "res.partner", "res_id": cls.customer.id})
        cls.env["fusion.privacy.consent"].create({"partner_id": cls.customer.id, "channel": "email",
                                                  "purpose": "marketing", "granted": True, "source": "form",
                                                  "proof": "newsletter form v2"})
        cls.derived = cls._make_suite_history(cls.customer)

    @classmethod
    def _order(cls, partner):
        return cls.env["sale.order"].create({"partner_id": partner.id, "order_line": [
            Command.create({"product_id": cls.goods.id, "product_uom_qty": 2, "price_unit": 50.0})]})

    @classmethod
    def _make_suite_history(cls, partner):
        """Tickets, scores and bridge history of ``partner`` where those addons are installed: {model: records}."""
        env, made = cls.env, {}
        if "helpdesk.ticket" in env:
            ticket = env["helpdesk.ticket"].create({
                "name": f"Broken parcel for {partner.name}", "partner_id": partner.id,
                "description": f"<p>Please call me at {partner.phone} or {partner.email}</p>"})
            made["helpdesk.ticket"] = ticket
            if "fusion_key_phrases" in ticket._fields:
                ticket.with_context(fusion_analysis=True).write({"fusion_key_phrases": "broken parcel, refund"})
            if "fusion.ticket.label" in env:
                made["fusion.ticket.label"] = env["fusion.ticket.label"].create(
                    {"ticket_id": ticket.id, "task": "sentiment", "label": "negative"})
        if "fusion.churn.score" in env:
            made["fusion.churn.score"] = env["fusion.churn.score"].create({
                "partner_id": partner.id, "company_id": env.company.id, "probability": 0.8,
                "reason_1": "No order for 120 days"})
        if "fusion.bridge.binding" in env:
            source = env["fusion.bridge.source"].create({"name": "Privacy CRM", "code": "privacy_crm"})
            cls.binding = env["fusion.bridge.binding"].create({
                "source_id": source.id, "model_name": "res.partner", "res_id": partner.id, "external_id": "ext-1"})
            made["fusion.bridge.request"] = env["fusion.bridge.request"].create({
                "source_id": source.id, "operation": "upsert_partners", "idempotency_key": "k1", "payload_hash": "h",
                "status": "created", "result": f'{{"email": "{partner.email}"}}'})
        return made
