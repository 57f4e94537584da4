import json
import re
from collections import defaultdict

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from crm_bridge.privacy import ErasureRefusedError, plan_erasure

TEXT_TYPES = ("char", "text", "html")
# Models the erasure handles itself, or that record the erasure.
SKIPPED_MODELS = ("res.partner", "res.users", "fusion.privacy.erasure", "privacy.log", "mail.blacklist",
                  "phone.blacklist")
ACCOUNTING_REASON = ("Accounting records: kept for the legal period (6 years, Spanish Commercial Code art. 30; "
                     "4 years, General Tax Law art. 66)")
COMMERCIAL_REASON = "Commercial documents: kept for 6 years (Spanish Commercial Code art. 30)"
# Fields of the partner an invoice needs: kept on the partner while the law keeps its invoices.
LEGAL_IDENTITY = ("name", "vat", "street", "street2", "zip", "city", "company_registry")


class FusionPrivacyErasure(models.Model):
    """A request to erase a customer: anonymise them and purge what the suite derived from them.

    Built on Odoo's ``privacy_lookup``: records that refer to the partner are
    found the way its lookup finds them (a stored many2one to the partner, an
    email field), in batched reads, then every suite model (``fusion.*``)
    that refers to those records, by many2one or by model and id. What
    happens to each is the core's decision (``crm_bridge.privacy.plan_erasure``):
    derived data is deleted, personal records are anonymised (the name,
    email and phone replaced in their texts, suite fields emptied), and what
    the law keeps (accounting, commercial documents) stays and is listed in
    the report. The execution is logged in ``privacy.log``, masked.
    """

    _name = "fusion.privacy.erasure"
    _description = "ERP-CRM Fusion: erasure request"
    _order = "id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="restrict",
                                 context={"active_test": False})
    state = fields.Selection([("draft", "To do"), ("done", "Erased"), ("refused", "Refused")], default="draft",
                             required=True, readonly=True)
    user_id = fields.Many2one("res.users", "Handled by", readonly=True)
    done_on = fields.Datetime(readonly=True)
    refusal = fields.Text(readonly=True, help="Why the erasure was refused; nothing was changed.")
    report = fields.Text("Report (JSON)", readonly=True, help="What was purged, anonymised and kept (JSON).")
    report_html = fields.Html("Report", compute="_compute_report_html", sanitize=False)
    log_id = fields.Many2one("privacy.log", "Privacy log", readonly=True, groups="base.group_system")

    @api.depends("report")
    def _compute_report_html(self):
        for request in self:
            request.report_html = request._get_fusion_report_html(json.loads(request.report or "{}"))

    def _get_fusion_report_html(self, report):
        if not report:
            return False
        parts = [Markup("<h5>%s</h5><ul>") % self.env._("Deleted (derived data)")]
        parts += [Markup("<li>%s: %s</li>") % (model, count) for model, count in report.get("purged", {}).items()]
        parts.append(Markup("</ul><h5>%s</h5><ul>") % self.env._("Anonymised"))
        parts += [Markup("<li>%s: %s</li>") % (model, count) for model, count in report.get("anonymised", {}).items()]
        kept_title = self.env._("Kept because the law requires it")
        parts.append(Markup("</ul><h5>%s</h5><table class='table table-sm'>") % kept_title)
        parts += [Markup("<tr><td>%s #%s</td><td>%s</td></tr>") % (row["model"], row["res_id"], row["reason"])
                  for row in report.get("kept", [])]
        parts.append(Markup("</table>"))
        return Markup("").join(parts)

    def action_erase(self):
        """Erase the request's customer, or refuse with the reasons; never half of it."""
        for request in self.filtered(lambda r: r.state == "draft"):
            try:
                report = self._erase_fusion_partners(request.partner_id)
            except ErasureRefusedError as error:
                request.write({"state": "refused", "refusal": error.message, "user_id": self.env.uid,
                               "done_on": fields.Datetime.now()})
                continue
            log_id = report.pop("log_id", False)
            request.write({"state": "done", "report": json.dumps(report, indent=1), "user_id": self.env.uid,
                           "done_on": fields.Datetime.now()})
            request.sudo().log_id = log_id  # privacy_lookup's log is for administrators
        return True

    # ------------------------------------------------------------ discovery

    @api.model
    def _get_fusion_legal_reason(self, model_name):
        """Why the law keeps records of ``model_name``, or None. Extend for other legal records."""
        if model_name.startswith("account.") or model_name == "res.partner.bank":
            return ACCOUNTING_REASON
        if model_name.startswith(("sale.order", "stock.picking", "stock.move")):
            return COMMERCIAL_REASON
        return None

    def _fusion_models(self):
        """The stored models the discovery reads (as superuser): all but Odoo's technical ones and the skipped."""
        for model_name in self.env.registry:
            model = self.env[model_name]
            technical = model_name.startswith(("ir.", "privacy.lookup")) and model_name != "ir.attachment"
            if model._transient or model._abstract or not model._auto or model_name in SKIPPED_MODELS or technical:
                continue
            yield model_name, model.sudo().with_context(active_test=False)

    @api.model
    def _get_fusion_partner_holdings(self, partners):
        """Every record held about ``partners`` (and their contacts): the core's holdings table.

        One read per model that refers to a partner or to a held record,
        whatever the number of partners.
        """
        family = self.env["res.partner"].with_context(active_test=False).sudo().search(
            [("id", "child_of", partners.ids)])
        parents = {partner.id: partner.parent_id.id for partner in family}
        owner = {}
        for partner_id in parents:
            root = partner_id
            while root not in partners.ids and parents.get(root):  # up to the requested partner it belongs to
                root = parents[root]
            owner[("res.partner", partner_id)] = root
        rows = []

        def hold(model_name, res_id, kind, owner_id, reason=None):
            if (model_name, res_id) in owner:
                return
            owner[(model_name, res_id)] = owner_id
            reason = reason or self._get_fusion_legal_reason(model_name)
            if reason and not model_name.startswith("fusion."):
                kind = "legal"
            rows.append({"partner_id": owner_id, "model": model_name, "res_id": res_id, "kind": kind,
                         "reason": reason if kind == "legal" else None})

        # 1. Records referring to the partners by a stored many2one (privacy_lookup's indirect references).
        for model_name, model in self._fusion_models():
            links = [(name, field) for name, field in model._fields.items()
                     if field.type == "many2one" and field.comodel_name == "res.partner" and field.store]
            if not links:
                continue
            domain = expression.OR([[(name, "in", family.ids)] for name, _field in links])
            for row in model.search_read(domain, [name for name, _field in links]):
                partner_id = next(row[name][0] for name, _field in links
                                  if row[name] and ("res.partner", row[name][0]) in owner)
                derived = model_name.startswith("fusion.") or any(
                    field.ondelete == "cascade" for name, field in links if row[name] and row[name][0] == partner_id)
                hold(model_name, row["id"], "derived" if derived else "personal",
                     owner[("res.partner", partner_id)])
        # 2. Records referring to a held record: suite models by many2one, any model by model and id.
        held = defaultdict(set)
        for model_name, res_id in owner:
            held[model_name].add(res_id)
        for model_name, model in self._fusion_models():
            suite = model_name.startswith("fusion.")
            links = [(name, field) for name, field in model._fields.items() if field.store and (
                (suite and field.type == "many2one" and field.comodel_name in held
                 and field.comodel_name != "res.partner")
                or (field.type == "many2one_reference" and field.model_field in model._fields))]
            for name, field in links:
                if field.type == "many2one":
                    domain = [(name, "in", list(held[field.comodel_name]))]
                else:
                    domain = expression.OR([[(field.model_field, "=", target), (name, "in", list(ids))]
                                            for target, ids in held.items()])
                fnames = [name] + ([field.model_field] if field.type != "many2one" else [])
                for row in model.search_read(domain, fnames):
                    target = (field.comodel_name, row[name][0]) if field.type == "many2one" else (
                        row[field.model_field], row[name])
                    if target not in owner:
                        continue
                    kind = "personal" if model_name in ("mail.message", "mail.mail") else "derived"
                    # An attachment of a record the law keeps (an invoice's PDF) is kept with it.
                    reason = self._get_fusion_legal_reason(target[0]) if model_name == "ir.attachment" else None
                    hold(model_name, row["id"], kind, owner[target], reason)
        # 3. Suite payloads naming the partner's email without a link (bridge logs, queued payloads).
        emails = {p.email_normalized: owner[("res.partner", p.id)] for p in family if p.email_normalized}
        if emails:
            for model_name, model in self._fusion_models():
                if not model_name.startswith("fusion."):
                    continue
                texts = [name for name, field in model._fields.items()
                         if field.store and field.type in ("text", "html") and not field.compute]
                for name in texts:
                    domain = expression.OR([[(name, "ilike", email)] for email in emails])
                    for row in model.search_read(domain, [name]):
                        found = next(pid for email, pid in emails.items() if email in str(row[name]).lower())
                        hold(model_name, row["id"], "derived", found)
        frame = pd.DataFrame(rows, columns=["partner_id", "model", "res_id", "kind", "reason"])
        return frame, family, owner

    @api.model
    def _get_fusion_erasure_blockers(self, family, owner):
        """Open orders, unpaid invoices, legal holds and user accounts of the partners: the core's blockers."""
        blockers = []
        orders = self.env["sale.order"].sudo().search_read(
            [("partner_id", "in", family.ids), "|", ("state", "in", ("draft", "sent")),
             "&", ("state", "=", "sale"), ("invoice_status", "=", "to invoice")], ["partner_id"])
        blockers += [{"partner_id": owner[("res.partner", o["partner_id"][0])], "reason": "open_order",
                      "model": "sale.order", "res_id": o["id"]} for o in orders]
        invoices = self.env["account.move"].sudo().search_read(
            [("partner_id", "in", family.ids), ("state", "=", "posted"),
             ("move_type", "in", ("out_invoice", "out_refund")), ("payment_state", "in", ("not_paid", "partial"))],
            ["partner_id"])
        blockers += [{"partner_id": owner[("res.partner", m["partner_id"][0])], "reason": "unpaid_invoice",
                      "model": "account.move", "res_id": m["id"]} for m in invoices]
        blockers += [{"partner_id": owner[("res.partner", p.id)], "reason": "legal_hold", "model": "res.partner",
                      "res_id": p.id} for p in family.filtered("fusion_legal_hold")]
        users = self.env["res.users"].sudo().with_context(active_test=False).search_read(
            [("partner_id", "in", family.ids)], ["partner_id"])
        blockers += [{"partner_id": owner[("res.partner", u["partner_id"][0])], "reason": "user_account",
                      "model": "res.users", "res_id": u["id"]} for u in users]
        return blockers

    # ------------------------------------------------------------ execution

    @api.model
    def _erase_fusion_partners(self, partners, partial=False):
        """Erase ``partners`` and their contacts; return the report (the core plan's ``to_dict``).

        Raises ``ErasureRefusedError`` before changing anything when one is
        blocked (unless ``partial``: the blocked ones are then left out and
        listed under ``refused``).
        """
        holdings, family, owner = self._get_fusion_partner_holdings(partners)
        blockers = self._get_fusion_erasure_blockers(family, owner)
        plan = plan_erasure(partners.ids, holdings, blockers, partial=partial)
        erased = family.filtered(lambda p: owner[("res.partner", p.id)] in plan.erased)
        terms = self._get_fusion_terms(erased, owner)
        log_names = self._get_fusion_log_names(partners.filtered(lambda p: p.id in plan.erased))
        for model_name, rows in plan.purge.groupby("model"):
            self.env[model_name].sudo().with_context(active_test=False).browse(
                rows["res_id"].astype(int).tolist()).exists().unlink()
        for model_name, rows in plan.anonymise.groupby("model"):
            self._anonymise_fusion_records(model_name, rows, terms)
        self._anonymise_fusion_partners(erased, set(plan.keep["partner_id"].astype(int)), owner)
        report = plan.to_dict()
        report["anonymised"]["res.partner"] = len(erased)
        report["kept"] += [{"partner_id": owner[("res.partner", p.id)], "model": "res.partner", "res_id": p.id,
                            "reason": self.env._("Name, tax id and address, for the invoices kept: %(reason)s",
                                                 reason=ACCOUNTING_REASON)}
                           for p in erased if owner[("res.partner", p.id)] in set(plan.keep["partner_id"])]
        log = self.env["privacy.log"].sudo().create([{
            "anonymized_name": terms_name, "anonymized_email": terms_email,
            "execution_details": self.env._("Erased by ERP-CRM Fusion: %(purged)s records deleted, %(anonymised)s "
                                            "anonymised, %(kept)s kept by law",
                                            purged=len(plan.purge), anonymised=len(plan.anonymise),
                                            kept=len(plan.keep)),
        } for terms_name, terms_email in log_names])
        report["log_id"] = log[:1].id
        self._on_fusion_erased(self.env["res.partner"].browse(plan.erased))
        return report

    def _get_fusion_log_names(self, partners):
        return [(p.name or "-", p.email_normalized or "erased@example.invalid") for p in partners]

    @api.model
    def _on_fusion_erased(self, partners):
        """Hook called once the partners are erased, e.g. to tell external CRMs (the bridge's changes feed)."""

    def _get_fusion_terms(self, partners, owner):
        """{owner partner id: compiled pattern of their names, emails and phones}."""
        words = defaultdict(set)
        for partner in partners:
            values = [partner.name, partner.email, partner.email_normalized, partner.phone, partner.mobile,
                      partner.phone_sanitized]
            words[owner[("res.partner", partner.id)]].update(v.strip() for v in values if v and len(v.strip()) >= 3)
        return {pid: re.compile("|".join(re.escape(w) for w in sorted(found, key=len, reverse=True)), re.IGNORECASE)
                for pid, found in words.items() if found}

    def _anonymise_fusion_records(self, model_name, rows, terms):
        """Replace the owner's name, email and phone in the records' texts; empty their suite fields."""
        # fusion_analysis: an erasure is not a person correcting an analysis (no training label is recorded).
        model = self.env[model_name].sudo().with_context(active_test=False, tracking_disable=True,
                                                         fusion_analysis=True)
        texts = [name for name, field in model._fields.items()
                 if field.store and field.type in TEXT_TYPES and not field.related
                 and not (field.compute and field.readonly) and not field.translate]
        derived = {name: False for name, field in model._fields.items()
                   if name.startswith("fusion_") and field.store and not field.compute and not field.required
                   and field.type not in ("one2many", "many2many")}
        owners = dict(zip(rows["res_id"].astype(int), rows["partner_id"].astype(int), strict=True))
        records = model.browse(list(owners)).exists()
        placeholder = self.env._("[erased]")
        if derived:
            records.write(derived)  # the same for every record: one write
        # The texts differ per record: a write each, for the records that name their owner only
        for record, values in zip(records, records.read(texts), strict=True):
            pattern = terms.get(owners[record.id])
            changes = {name: pattern.sub(placeholder, values[name]) for name in texts
                       if pattern and isinstance(values[name], str) and pattern.search(values[name])}
            if changes:
                record.write(changes)
        if model_name == "mail.message" and records:
            trackings = self.env["mail.tracking.value"].sudo().search([("mail_message_id", "in", records.ids)])
            tracked_rows = pd.DataFrame({"res_id": trackings.ids,
                                         "partner_id": [owners[t.mail_message_id.id] for t in trackings]})
            if len(tracked_rows):
                self._anonymise_fusion_records("mail.tracking.value", tracked_rows, terms)
            mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", records.ids)])
            if mails:
                mail_rows = pd.DataFrame({"res_id": mails.ids,
                                          "partner_id": [owners[m.mail_message_id.id] for m in mails]})
                self._anonymise_fusion_records("mail.mail", mail_rows, terms)

    def _anonymise_fusion_partners(self, partners, legal_owners, owner):
        """Empty the partners' personal fields, keep the legal identity of those whose invoices the law keeps."""
        model = self.env["res.partner"].sudo().with_context(active_test=False, tracking_disable=True)
        emails = [e for e in partners.mapped("email_normalized") if e]
        phones = [p for p in partners.mapped("phone_sanitized") if p]
        self.env["mail.blacklist"].sudo().with_context(active_test=False).search([("email", "in", emails)]).unlink()
        self.env["phone.blacklist"].sudo().with_context(active_test=False).search([("number", "in", phones)]).unlink()
        texts = [name for name, field in model._fields.items()
                 if field.store and field.type in TEXT_TYPES and not field.related and not field.compute
                 and not field.required and name not in ("type", "lang", "tz")]
        suite = [name for name, field in model._fields.items()
                 if name.startswith("fusion_") and field.store and not field.compute and not field.required
                 and field.type not in ("one2many", "many2many") and name != "fusion_privacy_erased"]
        base = {**dict.fromkeys(texts, False), **dict.fromkeys(suite, False), "image_1920": False,
                "category_id": [(5, 0, 0)], "user_id": False, "active": False, "fusion_privacy_erased": True}
        # One write per group: those whose legal identity the law keeps, and the others, renamed below. Untracked:
        # a tracked write would keep the old email, phone and name in the chatter it is erasing.
        keeping = partners.filtered(lambda partner: owner[("res.partner", partner.id)] in legal_owners)
        for group, keep in ((keeping, LEGAL_IDENTITY), (partners - keeping, ("name",))):
            if group:
                group.with_context(tracking_disable=True).write(
                    {name: value for name, value in base.items() if name not in keep})
        self._set_fusion_erased_names(partners - keeping)

    def _set_fusion_erased_names(self, partners):
        """Name each of ``partners`` "Erased customer <id>", in one UPDATE for all of them.

        The names differ per partner, and a partner's ``write`` costs several
        queries of its own (its users, its children's commercial fields), so
        the names are set in SQL, then the ORM is told: the cache forgets the
        old names and what depends on them (the stored ``complete_name``) is
        recomputed in one batch at the next flush. The partners' own write
        (``_anonymise_fusion_partners``) stamps their write date.
        """
        if not partners:
            return
        rows = [SQL("(%s, %s)", partner.id, self.env._("Erased customer %(id)s", id=partner.id))
                for partner in partners]
        self.env.execute_query(SQL(
            "UPDATE res_partner SET name = erased.name FROM (VALUES %s) AS erased(id, name) "
            "WHERE res_partner.id = erased.id", SQL(", ").join(rows)))
        partners.invalidate_recordset(["name"])
        partners.modified(["name"])
