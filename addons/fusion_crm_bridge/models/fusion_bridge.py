"""The public bridge API: what an external CRM calls over XML-RPC (or JSON-RPC).

Every public method answers the same envelope, never raises on purpose and
never returns ``None`` (XML-RPC cannot carry it)::

    {"api_version": "1.0", "operation": str, "ok": bool,
     "error": False | {"code", "field", "message"},      # the call as a whole was refused
     "results": [...] }                                  # record operations: one per record

A refused call (caller without the API group or source, operation not
allowed or unavailable, malformed batch) writes nothing. Within an accepted
call each record is written whole or not at all (savepoints), and fails alone.

Scope: a source writes only records bound to it (those it created, or bound to
it by a manager), of its own company, never the partner of a user; the caller's
context is reduced to ``CLIENT_CONTEXT_KEYS``. Idempotency keys are scoped per
source and operation. Two calls racing for the same key or the same new
external id meet on the database's unique indexes: one wins, the other gets a
``conflict`` error with ``details.retryable`` (or ``idempotency_conflict`` when
its payload differs), in any worker.
"""

import base64
import binascii
import contextlib
import datetime
import json
import logging
from collections import defaultdict

import psycopg2
import pytz
from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY, _as_validation_error
from odoo.tools import plaintext2html

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError, NotFoundError, ValidationError

_logger = logging.getLogger(__name__)

# Operations that need an optional model: refused with ``operation_unavailable`` without it.
OPTIONAL_MODELS = {"push_tickets": "helpdesk.ticket"}
INTERACTION_TARGETS = {"partner": "res.partner", "lead": "crm.lead", "order": "sale.order", "ticket": "helpdesk.ticket"}
ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
    "email": "mail.mail_activity_data_email",
    "note": "mail.mail_activity_data_todo",
}
INTERACTION_MODELS = ("mail.message", "mail.activity")
CURSOR_VERSION = 2
MAX_BIGINT = 2**63 - 1
# What a client may choose in the context of its calls (an installed language, a known time
# zone); every other key (active_test, default_*, allowed_company_ids...) is dropped.
CLIENT_CONTEXT_KEYS = ("lang", "tz")


class FusionBridge(models.AbstractModel):
    _name = "fusion.bridge"
    _description = "ERP-CRM Fusion: CRM bridge API"

    # -- public methods ------------------------------------------------------------

    @api.model
    def api_version(self):
        """The contract this server speaks: version, limits and operations."""
        return {
            "api_version": schemas.API_VERSION,
            "max_batch": schemas.MAX_BATCH,
            "max_changes": schemas.MAX_CHANGES,
            "operations": sorted(schemas.OPERATIONS),
        }

    @api.model
    def upsert_partners(self, records):
        return self._call_records("upsert_partners", records)

    @api.model
    def upsert_leads(self, records):
        return self._call_records("upsert_leads", records)

    @api.model
    def upsert_orders(self, records):
        """Quotations (``confirm``: orders); each result carries ``check``, ``state`` and ``name``."""
        return self._call_records("upsert_orders", records)

    @api.model
    def push_interactions(self, records):
        """Calls, emails, meetings and notes: a chatter message, or a planned activity with ``due_date``."""
        return self._call_records("push_interactions", records)

    @api.model
    def push_tickets(self, records):
        return self._call_records("push_tickets", records)

    @api.model
    def watch_products(self, product_codes, watch=True):
        """Follow (or stop following) products' availability in the changes feed."""

        def work(bridge, source):
            codes = schemas.validate_product_codes(product_codes)
            if not isinstance(watch, bool):
                raise ValidationError(bridge.env._("watch must be true or false."), code="invalid_type",
                                      field="watch")
            return {"results": bridge._watch_products(source, codes, watch)}

        return self._call("watch_products", work)

    @api.model
    def changes(self, cursor=False, limit=200):
        """Changes since ``cursor`` (``False`` to start): partners, leads, orders, deliveries, invoices and
        payments, availability of watched products; each with its ``event`` (upsert, archive, delete).
        Answers ``changes``, the next ``cursor`` and ``more``. Read from the outbox: see
        ``fusion.bridge.change``."""

        def work(bridge, source):
            cursor_text, page_size = schemas.validate_cursor_limit(cursor, limit)
            return bridge._get_changes(source, bridge._decode_cursor(cursor_text), page_size)

        return self._call("changes", work)

    # -- call handling -------------------------------------------------------------

    def _call(self, operation, work):
        caller = self.with_env(self.env(context=self._get_client_context()))
        try:
            source = caller._get_caller_source(operation)
            bridge = caller._as_source(source)
            # Work that fails as a whole leaves nothing behind.
            with bridge._savepoint():
                payload = work(bridge, source.with_env(bridge.env))
        except FusionError as exc:
            _logger.info("CRM bridge refused %s for user %s: %s", operation, self.env.uid, exc.code)
            empty = {"results": []} if operation in schemas.RECORD_OPERATIONS else {}
            return caller._response(operation, error=exc, **empty)
        return caller._response(operation, **payload)

    @api.model
    def _get_client_context(self):
        """The caller's context reduced to ``CLIENT_CONTEXT_KEYS``, each with a value this server knows."""
        context = self.env.context
        lang, tz = context.get("lang"), context.get("tz")
        clean = {}
        if isinstance(lang, str) and self.env["res.lang"]._get_code(lang):
            clean["lang"] = lang
        if isinstance(tz, str) and tz in pytz.all_timezones_set:
            clean["tz"] = tz
        return clean

    @contextlib.contextmanager
    def _savepoint(self):
        """A savepoint whose pending computations are flushed by this environment.

        The cursor's own flush runs in any environment of the transaction, the
        caller's included: as the restricted API user it fails on what only the
        bridge may read (the company currency a lead's amounts are rounded in).
        """
        self.env.flush_all()
        with self.env.cr.savepoint():
            yield
            self.env.flush_all()

    def _call_records(self, operation, records):
        def work(bridge, source):
            checked = schemas.validate_batch(operation, records)
            return {"results": bridge._process_records(source, operation, records, checked)}

        return self._call(operation, work)

    @api.model
    def _response(self, operation, error=None, **payload):
        return {
            "api_version": schemas.API_VERSION,
            "operation": operation,
            "ok": error is None,
            "error": schemas.error_dict(error) if error else False,
            **payload,
        }

    @api.model
    def _get_caller_source(self, operation):
        """The source of the calling technical user, once it may call ``operation``."""
        if not self.env.user.has_group("fusion_base.group_fusion_api"):
            raise FusionError(self.env._("Only bridge API users may call the bridge."), code="access_denied")
        source = self.env["fusion.bridge.source"].sudo().search([("user_id", "=", self.env.uid)], limit=1)
        if not source:
            raise FusionError(self.env._("No active bridge source uses this user."), code="access_denied")
        if not source._allows(operation):
            raise FusionError(self.env._("Source %(code)s may not call %(operation)s.", code=source.code,
                                         operation=operation), code="operation_not_allowed")
        model = OPTIONAL_MODELS.get(operation)
        if model and model not in self.env:
            raise FusionError(self.env._("%(operation)s needs %(model)s, which is not installed.",
                                         operation=operation, model=model), code="operation_unavailable")
        return source

    @api.model
    def _as_source(self, source):
        """Elevated, but scoped to the source's company: checks below enforce that scope."""
        return self.sudo().with_company(source.company_id).with_context(
            allowed_company_ids=source.company_id.ids,
            # Savepoint rollbacks drop pending tracking; the request log records what the bridge wrote.
            tracking_disable=True,
            mail_create_nosubscribe=True,
            mail_create_nolog=True,
        )

    # -- records -------------------------------------------------------------------

    def _process_records(self, source, operation, records, checked):
        spec = schemas.RECORD_OPERATIONS[operation]
        results = [schemas.error_result(raw, item) if isinstance(item, FusionError) else None
                   for raw, item in zip(records, checked)]
        valid = [item for item in checked if isinstance(item, schemas.ValidatedRecord)]
        stored = self._get_stored_requests(source, operation, [r.idempotency_key for r in valid])
        allowed = source._get_allowed_fields()
        first_by_key, todo, repeats = {}, [], []
        for record in valid:
            previous = stored.get(record.idempotency_key)
            if previous:
                results[record.index] = self._replay(record, previous.payload_hash, previous._get_result())
            elif record.idempotency_key in first_by_key:
                repeats.append(record)  # settled once the first record with this key is written
            else:
                try:
                    schemas.check_allowlist(spec, record.values, allowed)
                except FusionError as exc:
                    results[record.index] = schemas.error_result(record, exc)
                    continue
                first_by_key[record.idempotency_key] = record
                todo.append(record)
        write = self._write_interactions if spec.kind == "interaction" else self._write_upserts
        for index, result in write(source, operation, spec, todo).items():
            results[index] = result
        for record in repeats:
            first = first_by_key[record.idempotency_key]
            first_result = results[first.index]
            results[record.index] = (self._replay(record, first.payload_hash, first_result)
                                     if first_result["status"] != "error" else dict(first_result))
        return results

    def _get_stored_requests(self, source, operation, keys, env=None):
        """{idempotency key: request} of the keys ``source`` already used for ``operation``.

        ``env`` reads through another transaction (what others committed since this one began).
        """
        requests = (env or self.env)["fusion.bridge.request"].search([
            ("source_id", "=", source.id), ("operation", "=", operation), ("idempotency_key", "in", list(keys)),
        ])
        return {request.idempotency_key: request for request in requests}

    @api.model
    def _replay(self, record, stored_hash, stored_result):
        if stored_hash != record.payload_hash:
            return schemas.error_result(record, self._idempotency_conflict(record))
        return dict(stored_result, status="replayed", first_status=stored_result["status"])

    @api.model
    def _idempotency_conflict(self, record):
        return ValidationError(
            self.env._("Idempotency key %(key)s was used with another payload.", key=record.idempotency_key),
            code="idempotency_conflict", field="idempotency_key")

    def _log_requests(self, source, operation, model_name, written):
        """Log ``[(record, result)]`` written: the request log is the idempotency store too.

        Called in the savepoint that wrote the records: a concurrent call with
        the same key meets this row's unique index.
        """
        self.env["fusion.bridge.request"].create([{
            "source_id": source.id,
            "operation": operation,
            "idempotency_key": record.idempotency_key,
            "external_id": record.external_id,
            "payload_hash": record.payload_hash,
            "status": result["status"],
            "model_name": model_name,
            "res_id": result["id"],
            "result": json.dumps(result),
        } for record, result in written])

    def _write_upserts(self, source, operation, spec, records):
        """Create the unbound records in one ``create``, update the bound ones one by one."""
        Model = self.env[spec.model]
        bound = self.env["fusion.bridge.binding"]._get_res_ids(source, spec.model, [r.external_id for r in records])
        references = self._resolve_references(source, spec, records)
        targets = self._get_targets(source, spec, records, bound)
        results, creates, updates = {}, [], []
        for record in records:
            try:
                target_id = targets[record.index]
                if isinstance(target_id, FusionError):
                    raise target_id
                vals = self._prepare_bridge_vals(source, spec, record, references, update=bool(target_id))
                if target_id:
                    updates.append((record, Model.browse(target_id), vals))
                else:
                    missing = schemas.missing_for_create(spec, record.values)
                    if missing:
                        raise missing
                    creates.append((record, vals))
            except FusionError as exc:
                results[record.index] = schemas.error_result(record, exc)
        # One lock order for every call (external ids, record ids): concurrent batches that share
        # records wait for each other instead of deadlocking and being retried whole.
        creates.sort(key=lambda item: item[0].external_id or "")
        updates.sort(key=lambda item: item[1].id)
        results.update(self._create_records(source, operation, spec, spec.model, creates))
        results.update(self._update_records(source, operation, spec, updates))
        return results

    def _get_targets(self, source, spec, records, bound):
        """{index: id of the record to update, 0 to create, or the FusionError refusing it}.

        A source writes only records bound to it (that it created, or that a
        manager bound to it), of its own company (not shared ones), and never
        the partner of a user. ``id`` names the record the external id is bound to.
        """
        Model = self.env[spec.model]
        explicit = [r.odoo_id for r in records if r.odoo_id]
        existing = Model.browse(set(bound.values()) | set(explicit)).exists()
        existing_ids = set(existing.ids)
        company_of = {rec.id: rec.company_id.id for rec in existing} if "company_id" in Model._fields else {}
        bound_elsewhere = self.env["fusion.bridge.binding"]._get_external_ids(source, spec.model, explicit)
        protected = self._get_fusion_protected_ids(spec.model, existing.ids)
        company = source.company_id.id
        targets = {}
        for record in records:
            target_id = bound.get(record.external_id, 0)
            if record.odoo_id:
                other_external_id = bound_elsewhere.get(record.odoo_id, record.external_id)
                if target_id and target_id != record.odoo_id or other_external_id != record.external_id:
                    targets[record.index] = ValidationError(
                        self.env._("External id %(external_id)s and record %(id)s are bound elsewhere.",
                                   external_id=record.external_id, id=record.odoo_id),
                        code="binding_conflict", field="id")
                    continue
                target_id = record.odoo_id
            if not target_id:
                targets[record.index] = 0
            elif target_id not in existing_ids:
                targets[record.index] = NotFoundError(
                    self.env._("%(model)s %(id)s does not exist.", model=spec.model, id=target_id), field="id")
            elif record.external_id in bound and target_id in protected:
                targets[record.index] = FusionError(
                    self.env._("%(model)s %(id)s belongs to a user: the bridge never writes it.",
                               model=spec.model, id=target_id),
                    code="protected_record", field="id" if record.odoo_id else "external_id")
            elif company_of.get(target_id, company) != company:
                targets[record.index] = FusionError(
                    self.env._("%(model)s %(id)s belongs to another company.", model=spec.model, id=target_id)
                    if company_of[target_id] else
                    self.env._("%(model)s %(id)s is shared by every company: the bridge does not write it.",
                               model=spec.model, id=target_id),
                    code="other_company", field="id")
            elif record.external_id not in bound:
                targets[record.index] = FusionError(
                    self.env._("%(model)s %(id)s was neither created by this source nor bound to it by a manager.",
                               model=spec.model, id=target_id),
                    code="not_owned", field="id")
            else:
                targets[record.index] = target_id
        return targets

    @api.model
    def _get_fusion_protected_ids(self, model_name, res_ids):
        """Hook: the ids among ``res_ids`` the bridge never writes, even when bound.

        Here the partners of users, active or archived: their e-mail is a login
        and a password-reset address.
        """
        if model_name != "res.partner" or not res_ids:
            return set()
        users = self.env["res.users"].with_context(active_test=False).search_read(
            [("partner_id", "in", list(res_ids))], ["partner_id"])
        return {user["partner_id"][0] for user in users}

    def _create_records(self, source, operation, spec, model_name, items):
        """Create ``[(record, vals)]`` in one ``create``, bound and logged in the same savepoint.

        When it fails, the records another call has committed meanwhile get a
        ``conflict``, and one savepoint per remaining record finds the culprit.
        """
        if not items:
            return {}
        records = [record for record, _vals in items]
        try:
            with self._savepoint():
                created = self.env[model_name].create([vals for _record, vals in items])
                self._bind(source, model_name, [(record.external_id, rec.id) for record, rec in zip(records, created)])
                extras = self._after_write(spec, created, records)
                results = {record.index: schemas.record_result(
                    record, "created", rec.id, **extras.get(rec.id, {}),
                    # a message or an activity names its model; a record has a version
                    **({"model": model_name} if spec.create_only else {"version": self._get_record_version(rec)}))
                    for record, rec in zip(records, created)}
                self._log_requests(source, operation, model_name, [(r, results[r.index]) for r in records])
        except Exception as exc:  # noqa: BLE001 - Odoo refuses values with many exception types
            self._raise_if_transient(exc)
            lost = self._get_race_errors(source, operation, model_name, records, exc)
            if len(items) == 1:
                return {records[0].index: schemas.error_result(records[0], lost.get(records[0].index)
                                                               or self._odoo_error(exc))}
            results = {r.index: schemas.error_result(r, lost[r.index]) for r in records if r.index in lost}
            for item in items:
                if item[0].index not in lost:
                    results.update(self._create_records(source, operation, spec, model_name, [item]))
        return results

    def _update_records(self, source, operation, spec, updates):
        results = {}
        for record, target, vals in updates:
            try:
                with self._savepoint():
                    self._check_updatable(spec, target)
                    self._check_version(spec, record, target)
                    vals = self._apply_field_modes(spec, record, target, vals)
                    if vals:
                        target.write(vals)
                    extras = self._after_write(spec, target, [record])
                    results[record.index] = schemas.record_result(record, "updated", target.id,
                                                                  version=self._get_record_version(target),
                                                                  **extras.get(target.id, {}))
                    self._log_requests(source, operation, spec.model, [(record, results[record.index])])
            except FusionError as exc:
                results[record.index] = schemas.error_result(record, exc)
            except Exception as exc:  # noqa: BLE001
                self._raise_if_transient(exc)
                error = self._get_race_errors(source, operation, spec.model, [record], exc).get(record.index)
                results[record.index] = schemas.error_result(record, error or self._odoo_error(exc))
        return results

    def _get_race_errors(self, source, operation, model_name, records, exc):
        """{record index: error} of the records another call committed while this one ran.

        Only a unique violation can mean that: the other call's idempotency key
        or binding is then committed, but invisible to this transaction's
        snapshot, so a fresh cursor reads it. The same key with the same
        payload, or the same external id, is a retryable ``conflict`` (sent
        again, the record is replayed or updated); the same key with another
        payload is an ``idempotency_conflict``.
        """
        if not isinstance(exc, pg_errors.UniqueViolation):
            return {}
        with self.env.registry.cursor() as cr:
            committed = self.env(cr=cr)
            stored = {key: request.payload_hash for key, request in self._get_stored_requests(
                source, operation, [r.idempotency_key for r in records], env=committed).items()}
            bound = committed["fusion.bridge.binding"]._get_res_ids(source, model_name,
                                                                   [r.external_id for r in records])
        errors = {}
        for record in records:
            if stored.get(record.idempotency_key, record.payload_hash) != record.payload_hash:
                errors[record.index] = self._idempotency_conflict(record)
            elif record.idempotency_key in stored:
                errors[record.index] = self._conflict(self.env._(
                    "Another call with idempotency key %(key)s was committed first: send the record again to "
                    "get its result.", key=record.idempotency_key), "idempotency_key")
            elif record.external_id in bound:
                errors[record.index] = self._conflict(self.env._(
                    "Another call wrote external id %(external_id)s at the same time: send the record again.",
                    external_id=record.external_id), "external_id")
        return errors

    @api.model
    def _conflict(self, message, field=None):
        return FusionError(message, code="conflict", field=field, details={"retryable": True})

    @api.model
    def _raise_if_transient(self, exc):
        """Concurrency faults go up so Odoo retries the whole call, as it does for any RPC."""
        if isinstance(exc, psycopg2.OperationalError) and exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise exc

    @api.model
    def _odoo_error(self, exc):
        """The structured error of a record Odoo refused: never SQL text."""
        if isinstance(exc, pg_errors.UniqueViolation):
            # This call wrote the same record twice (an external id twice in one batch, say).
            return self._conflict(self.env._("This record collides with another one written at the same "
                                             "time: send it again."))
        if isinstance(exc, psycopg2.IntegrityError):
            message = _as_validation_error(self.env, exc).args[0]
        elif isinstance(exc, psycopg2.Error):
            message = self.env._("The database refused the values: %(reason)s",
                                 reason=exc.diag.message_primary or type(exc).__name__)
        else:
            message = str(exc.args[0]) if exc.args else type(exc).__name__
        _logger.info("CRM bridge record refused by Odoo: %s", message)
        return FusionError(message, code="odoo_error")

    def _bind(self, source, model_name, pairs):
        self.env["fusion.bridge.binding"].create([
            {"source_id": source.id, "model_name": model_name, "external_id": external_id, "res_id": res_id}
            for external_id, res_id in pairs
        ])

    @api.model
    def _get_record_version(self, record):
        """The version a client sends back to write ``record`` only if nobody changed it since: its write time."""
        return record.write_date.isoformat() if record.write_date else False

    @api.model
    def _check_version(self, spec, record, target):
        """Optimistic concurrency: a record sent with a ``version`` older than the target's is refused.

        The ``conflict`` carries the current version and the current values of
        the fields the record sends, so the client can merge and send again. Two
        writers that read the same version meet on the row: the second
        transaction fails to serialize, Odoo retries it, and it then sees the
        new version.
        """
        current = self._get_record_version(target)
        if not record.version or record.version == current:
            return
        names = [spec.fields[key].odoo_field for key in record.values
                 if spec.fields[key].odoo_field and spec.fields[key].type != "lines"]
        row = target.read(names)[0] if names else {}
        raise FusionError(
            self.env._("%(model)s %(id)s changed since version %(version)s: merge its current values and send "
                       "the record again with version %(current)s.", model=spec.model, id=target.id,
                       version=record.version, current=current),
            code="conflict", field="version",
            details={"retryable": False, "version": current,
                     "current": {name: self._plain(row[name]) for name in names}})

    @api.model
    def _apply_field_modes(self, spec, record, target, vals):
        """Hook: the update values once the record's per-field ``modes`` are applied.

        ``ignore`` drops the field (it is only set on create); ``fill_if_empty``
        drops it where the target already holds a value (any value but empty,
        false or zero).
        """
        kept = dict(vals)
        for key, mode in record.modes.items():
            name = spec.fields[key].odoo_field
            if name and (mode == "ignore" or (mode == "fill_if_empty" and target[name])):
                kept.pop(name, None)
        return kept

    @api.model
    def _check_updatable(self, spec, target):
        if spec.kind == "order" and target.state not in ("draft", "sent"):
            raise FusionError(self.env._("Order %(order)s is %(state)s: only quotations can be changed.",
                                         order=target.name, state=target.state), code="order_locked")

    def _after_write(self, spec, records, validated):
        """{record id: extra result keys} once records are written; orders are checked and confirmed."""
        if spec.kind != "order":
            return {}
        checks = self._fusion_bridge_check_orders(records)
        confirm_ids = [
            order.id for order, record in zip(records, validated)
            if record.values.get("confirm") and order.state in ("draft", "sent")
            and checks.get(order.id, {"ok": True})["ok"]
        ]
        records.browse(confirm_ids).action_confirm()
        return {order.id: {"check": checks.get(order.id, False), "state": order.state, "name": order.name}
                for order in records}

    def _fusion_bridge_check_orders(self, orders):
        """Hook: the promise and pricing checks of orders the bridge wrote.

        Return ``{order_id: {"ok": bool, "reasons": [reason dicts]}}``; an order
        left out was not checked (its result's ``check`` is ``False``). An order
        whose check is not ok stays a quotation even when ``confirm`` was asked.
        ``fusion_sale_promise`` (through a glue module) extends this.
        """
        return {}

    # -- values --------------------------------------------------------------------

    @api.model
    def _get_bridge_defaults(self, source, spec):
        """Hook: values of a record the bridge creates, before the payload's (company, team, pricelist)."""
        company = source.company_id.id
        salesperson = source.team_id.user_id.id or False  # never the technical user
        defaults = {
            "partner": {"company_id": company},
            "lead": {"company_id": company, "team_id": source.team_id.id, "user_id": salesperson},
            "order": {"company_id": company, "team_id": source.team_id.id, "user_id": salesperson,
                      "pricelist_id": source.pricelist_id.id},
            "ticket": {"company_id": company},
        }.get(spec.kind, {})
        # An empty team or pricelist leaves Odoo's default; the salesperson is set even when empty.
        return {name: value for name, value in defaults.items() if value or name == "user_id"}

    def _prepare_bridge_vals(self, source, spec, record, references, update=False):
        """Hook: Odoo values of one validated record; raises ``FusionError`` on an unresolved reference."""
        vals = {} if update else self._get_bridge_defaults(source, spec)
        vals.update(self._convert_values(spec, record.values, references, update))
        return vals

    def _convert_values(self, spec, values, references, update, prefix=""):
        Model = self.env[spec.model]
        vals = {}
        for key, value in values.items():
            field_spec = spec.fields[key]
            name = field_spec.odoo_field
            if not name:
                continue
            if value is False or field_spec.type in ("char", "float", "int", "bool", "date", "datetime", "selection"):
                vals[name] = value
            elif field_spec.type == "text":
                vals[name] = plaintext2html(value) if Model._fields[name].type == "html" else value
            elif field_spec.type == "lines":
                commands = [Command.clear()] if update else []
                vals[name] = commands + [
                    Command.create(self._convert_values(field_spec.lines_spec, line, references, False,
                                                        prefix=f"{prefix}{key}[{i}]."))
                    for i, line in enumerate(value)
                ]
            else:  # ref, product, country
                kind = field_spec.ref_kind or field_spec.type
                if (kind, value) not in references:
                    raise NotFoundError(self.env._("No %(kind)s %(key)r is known to this source.", kind=kind,
                                                   key=value), field=f"{prefix}{key}")
                vals[name] = references[(kind, value)]
        return vals

    def _resolve_references(self, source, spec, records):
        """{(kind, key): id} of every partner, product and country the records name: one search per kind."""
        wanted = defaultdict(set)

        def collect(record_spec, values):
            for key, value in values.items():
                field_spec = record_spec.fields[key]
                if value is False:
                    continue
                if field_spec.type in ("ref", "product", "country"):
                    wanted[field_spec.ref_kind or field_spec.type].add(value)
                elif field_spec.type == "lines":
                    for line in value:
                        collect(field_spec.lines_spec, line)

        for record in records:
            collect(spec, record.values)
        references = {}
        for kind, keys in wanted.items():
            if kind == "country":
                rows = self.env["res.country"].search_read([("code", "in", list(keys))], ["code"])
                references.update({("country", row["code"]): row["id"] for row in rows})
            elif kind == "product":
                rows = self.env["product.product"].search_read(
                    [("default_code", "in", list(keys)), ("sale_ok", "=", True),
                     ("company_id", "in", [False, source.company_id.id])], ["default_code"])
                references.update({("product", row["default_code"]): row["id"] for row in rows})
            else:
                bound = self._get_bound_records(source, schemas.SPECS_BY_KIND[kind].model, keys)
                references.update({(kind, key): record.id for key, record in bound.items()})
        return references

    def _get_bound_records(self, source, model_name, external_ids):
        """{external id: record} the source may point at: bound to it, still there, of its company or shared."""
        bound = self.env["fusion.bridge.binding"]._get_res_ids(source, model_name, external_ids)
        alive = self.env[model_name].browse(set(bound.values())).exists()
        if "company_id" in alive._fields:
            alive = alive.filtered_domain([("company_id", "in", [False, source.company_id.id])])
        visible = set(alive.ids)
        return {key: alive.browse(res_id) for key, res_id in bound.items() if res_id in visible}

    # -- interactions --------------------------------------------------------------

    def _write_interactions(self, source, operation, spec, records):
        """Append-only: a logged chatter message, or a planned activity when ``due_date`` is given."""
        targets = {}
        for kind, model in INTERACTION_TARGETS.items():
            keys = {r.values["target_external_id"] for r in records if r.values["target_kind"] == kind}
            if keys and model in self.env:
                targets.update({(kind, key): record
                                for key, record in self._get_bound_records(source, model, keys).items()})
        taken = set(self.env["fusion.bridge.binding"].search([
            ("source_id", "=", source.id), ("model_name", "in", INTERACTION_MODELS),
            ("external_id", "in", [r.external_id for r in records]),
        ]).mapped("external_id"))
        results, messages, activities = {}, [], []
        for record in records:
            values = record.values
            target = targets.get((values["target_kind"], values["target_external_id"]))
            if record.external_id in taken:
                error = ValidationError(self.env._("Interaction %(external_id)s was pushed before.",
                                                   external_id=record.external_id),
                                        code="duplicate_external_id", field="external_id")
            elif target is None:
                error = NotFoundError(self.env._("No %(kind)s %(key)r is known to this source.",
                                                 kind=values["target_kind"], key=values["target_external_id"]),
                                      field="target_external_id")
            else:
                error = None
                if values.get("due_date"):
                    activities.append((record, self._prepare_activity_vals(source, record, target)))
                else:
                    messages.append((record, self._prepare_message_vals(record, target)))
            if error:
                results[record.index] = schemas.error_result(record, error)
        for model_name, items in (("mail.message", messages), ("mail.activity", activities)):
            results.update(self._create_records(source, operation, spec, model_name, items))
        return results

    @api.model
    def _prepare_message_vals(self, record, target):
        """Hook: a logged call, email, meeting or note in the target's chatter."""
        values = record.values
        label = Markup("<p><b>%s</b></p>") % values["kind"].capitalize()
        vals = {
            "model": target._name,
            "res_id": target.id,
            "message_type": "email" if values["kind"] == "email" else "comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "author_id": self.env.user.partner_id.id,
            "subject": values.get("subject") or False,
            "body": label + plaintext2html(values.get("body") or ""),
        }
        if values.get("date"):
            vals["date"] = values["date"]
        return vals

    @api.model
    def _prepare_activity_vals(self, source, record, target):
        """Hook: a planned call, email, meeting or to-do on the target, for its salesperson."""
        values = record.values
        owner = (target.user_id if "user_id" in target._fields else target.browse()) or source.team_id.user_id
        return {
            "res_model_id": self.env["ir.model"]._get_id(target._name),
            "res_id": target.id,
            "activity_type_id": self.env["ir.model.data"]._xmlid_to_res_id(ACTIVITY_TYPES[values["kind"]]),
            "summary": values.get("subject") or False,
            "note": plaintext2html(values.get("body") or ""),
            "date_deadline": values["due_date"],
            "user_id": owner.id or self.env.ref("base.user_admin").id,
        }

    # -- products and the changes feed --------------------------------------------------

    def _watch_products(self, source, codes, watch):
        Watch = self.env["fusion.bridge.watch"]
        products = self.env["product.product"].search_read(
            [("default_code", "in", codes), ("company_id", "in", [False, source.company_id.id])], ["default_code"])
        product_of = {row["default_code"]: row["id"] for row in products}
        watched = Watch.search([("source_id", "=", source.id), ("product_id", "in", list(product_of.values()))])
        if watch:
            new_ids = set(product_of.values()) - set(watched.product_id.ids)
            Watch.create([{"source_id": source.id, "product_id": pid} for pid in new_ids])._refresh_availability()
        else:
            watched.unlink()
        results = []
        for code in codes:
            if code in product_of:
                results.append({"product_code": code, "status": "watched" if watch else "unwatched",
                                "id": product_of[code], "error": False})
            else:
                error = NotFoundError(self.env._("No product %(code)r in this source's company.", code=code),
                                      field="product_codes")
                results.append({"product_code": code, "status": "error", "id": False,
                                "error": schemas.error_dict(error)})
        return results

    @api.model
    def _decode_cursor(self, text):
        """The (transaction id, change id) position of an opaque cursor (``None`` = from the beginning).

        A forged cursor (``Infinity``, deep nesting, an old format, a number out of range) is refused.
        """
        if not text:
            return None

        def refuse_constant(name):
            raise ValueError(name)

        try:
            data = json.loads(base64.urlsafe_b64decode(text.encode("ascii")), parse_constant=refuse_constant)
            position = (data["t"], data["i"])
            if data["v"] != CURSOR_VERSION or any(type(part) is not int or not 0 <= part <= MAX_BIGINT
                                                   for part in position):
                raise ValueError(data["v"])
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeError, binascii.Error, RecursionError):
            raise ValidationError(self.env._("The cursor is not one this server issued."), code="invalid_value",
                                  field="cursor") from None
        return position

    @api.model
    def _encode_cursor(self, position):
        transaction_id, change_id = position or (0, 0)
        text = json.dumps({"v": CURSOR_VERSION, "t": transaction_id, "i": change_id})
        return base64.urlsafe_b64encode(text.encode()).decode("ascii")

    def _get_change_streams(self, source):
        """Hook: {stream: serializer} of what the source follows.

        A serializer takes the source and a recordset of the stream's model and
        returns ``{id: dict}`` of plain XML-RPC values. Which rows a source sees is
        ``fusion.bridge.change._read_changes``'s rule: records bound to it, records
        of its customers in its company, its own watched products.
        """
        return {
            "partners": self._serialize_partners,
            "leads": self._serialize_leads,
            "orders": self._serialize_orders,
            "deliveries": self._serialize_deliveries,
            "invoices": self._serialize_invoices,
            "availability": self._serialize_availability,
        }

    def _get_changes(self, source, position, page_size):
        """One page of the outbox for ``source``: each changed record once, as it is now, with its last event."""
        source.watch_ids._refresh_availability()  # published by the next poll: this transaction is still open
        streams = self._get_change_streams(source)
        Change = self.env["fusion.bridge.change"]
        model_of = Change._get_stream_models()
        rows = Change._read_changes(source, list(streams), position, page_size + 1)
        page = rows[:page_size]
        latest = {}
        for row in page:
            key = (row[2], row[3])
            latest.pop(key, None)  # ordered by the record's last change
            latest[key] = row
        ids_by_stream = defaultdict(list)
        for stream, res_id in latest:
            ids_by_stream[stream].append(res_id)
        serialized, events = {}, {}
        for stream, ids in ids_by_stream.items():
            # The event is the record's state now, whatever the rows say: a later flush of an archived
            # record's computed fields writes an upsert row after its archive row.
            records = self.env[model_of[stream]].browse(ids).exists()
            serialized[stream] = streams[stream](source, records) if records else {}
            archived = records.filtered_domain([("active", "=", False)]) if "active" in records._fields else records[:0]
            events.update({(stream, res_id): "archive" for res_id in archived.ids})
            events.update({(stream, res_id): "upsert" for res_id in (records - archived).ids})
            missing = set(ids) - set(records.ids)
            external = self._external_ids(source, model_of[stream], missing) if missing else {}
            serialized[stream].update({res_id: {"external_id": external.get(res_id, False)} for res_id in missing})
            events.update({(stream, res_id): "delete" for res_id in missing})
        changes = [  # the envelope's keys win over a record's fields of the same name (a lead's "type")
            {**serialized[stream][res_id], "type": stream, "id": res_id, "event": events[stream, res_id],
             "changed_at": fields.Datetime.to_string(row[5])}
            for (stream, res_id), row in latest.items()
        ]
        last = page[-1][:2] if page else position
        return {"changes": changes, "cursor": self._encode_cursor(last), "more": len(rows) > page_size}

    @api.model
    def _plain(self, value):
        """An ORM read value as XML-RPC carries it: ids for many2one, strings for dates."""
        if isinstance(value, tuple):
            return value[0]
        if isinstance(value, datetime.datetime):
            return fields.Datetime.to_string(value)
        if isinstance(value, datetime.date):
            return fields.Date.to_string(value)
        return value

    def _serialize(self, records, field_names, external_of=None):
        rows = records.read(field_names)
        return {row["id"]: {name: self._plain(row[name]) for name in field_names} | (external_of or {}).get(
            row["id"], {}) for row in rows}

    def _external_ids(self, source, model, res_ids):
        return self.env["fusion.bridge.binding"]._get_external_ids(source, model, res_ids)

    def _serialize_declared(self, source, records, always):
        """``always`` and the fields the source declared for the model (what it may write, it may read back)."""
        declared = source._get_allowed_fields().get(records._name, set())
        names = sorted(set(always) | {name for name in declared if name in records._fields})
        external = self._external_ids(source, records._name, records.ids)
        return self._serialize(records, names, {res_id: {"external_id": external.get(res_id, False)}
                                                for res_id in records.ids})

    def _serialize_partners(self, source, partners):
        return self._serialize_declared(source, partners, ["name", "active", "is_company", "parent_id"])

    def _serialize_leads(self, source, leads):
        return self._serialize_declared(source, leads, ["name", "active", "stage_id", "probability"])

    def _serialize_orders(self, source, orders):
        order_ext = self._external_ids(source, "sale.order", orders.ids)
        partner_ext = self._external_ids(source, "res.partner", orders.partner_id.ids)
        extra = {order.id: {"external_id": order_ext.get(order.id, False),
                            "partner_external_id": partner_ext.get(order.partner_id.id, False)} for order in orders}
        return self._serialize(orders, ["name", "state", "partner_id", "client_order_ref", "commitment_date",
                                        "expected_date", "effective_date", "delivery_status", "invoice_status",
                                        "amount_total", "currency_id"], extra)

    def _serialize_deliveries(self, source, pickings):
        order_ext = self._external_ids(source, "sale.order", pickings.sale_id.ids)
        extra = {p.id: {"order_external_id": order_ext.get(p.sale_id.id, False)} for p in pickings}
        return self._serialize(pickings, ["name", "state", "sale_id", "scheduled_date", "date_deadline",
                                          "date_done"], extra)

    def _serialize_invoices(self, source, moves):
        partner_ext = self._external_ids(source, "res.partner", moves.commercial_partner_id.ids)
        extra = {m.id: {"partner_external_id": partner_ext.get(m.commercial_partner_id.id, False)} for m in moves}
        return self._serialize(moves, ["name", "move_type", "state", "payment_state", "invoice_origin",
                                       "invoice_date", "invoice_date_due", "amount_total", "amount_residual",
                                       "currency_id"], extra)

    def _serialize_availability(self, source, watches):
        extra = {w.id: {"product_id": w.product_id.id, "product_code": w.product_id.default_code or False}
                 for w in watches}
        return self._serialize(watches, ["free_qty", "qty_available", "virtual_available"], extra)
