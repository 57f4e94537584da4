"""The outbox of the changes feed: one row per change, written in the changing transaction.

Why not ``write_date``: a transaction stamps its rows with its start time but
publishes them when it commits, so a poller that read past that time while it
ran never sees them, however long it waits. Here every row carries the id of
the transaction that wrote it, and a poller reads in (transaction id, row id)
order only the rows of transactions older than the oldest one still running
(``pg_snapshot_xmin``). Every transaction below that horizon has ended, so no
row can later appear behind the cursor: a long transaction delays the feed,
it cannot make it lose a change.
"""

import datetime

from odoo import api, fields, models, tools
from odoo.tools import SQL

from crm_bridge.contract.errors import FusionError

EVENTS = ("upsert", "archive", "delete")
RETENTION_PARAMETER = "fusion_crm_bridge.change_retention_days"
PURGED_PARAMETER = "fusion_crm_bridge.change_purged_through"
DEFAULT_RETENTION_DAYS = 30
# The id of the transaction that runs the statement, 64 bits (epoch included): never wraps around.
CURRENT_TRANSACTION = SQL("pg_current_xact_id()::text::bigint")
# Transactions below this id have all ended (committed or rolled back) in the reader's snapshot.
VISIBLE_HORIZON = SQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


class FusionBridgeChange(models.Model):
    """A change of a record the bridge publishes: created or changed, archived, deleted.

    Rows are written by raw SQL in the transaction of the change (see
    ``fusion.bridge.change.mixin``) and read by ``fusion.bridge.changes``.
    The column ``transaction_id`` (bigint, not an ORM field: Odoo has no
    64-bit integer field) holds the writer's transaction id.
    """

    _name = "fusion.bridge.change"
    _description = "ERP-CRM Fusion: change published to CRM bridge sources"
    _order = "id desc"
    _log_access = False

    stream = fields.Char(required=True, readonly=True)
    model_name = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="model_name", required=True, readonly=True)
    event = fields.Selection(
        [("upsert", "Created or changed"), ("archive", "Archived"), ("delete", "Deleted")],
        required=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    customer_id = fields.Integer(
        readonly=True, index=True,
        help="Commercial partner of the record when it changed (kept after the partner is deleted).")
    source_id = fields.Many2one("fusion.bridge.source", readonly=True, ondelete="cascade",
                                help="The only source that sees the change (watched products).")
    changed_at = fields.Datetime(required=True, readonly=True)

    def init(self):
        self.env.cr.execute(SQL(
            "ALTER TABLE fusion_bridge_change ADD COLUMN IF NOT EXISTS transaction_id bigint NOT NULL DEFAULT %s",
            CURRENT_TRANSACTION))
        self.env.cr.execute("CREATE INDEX IF NOT EXISTS fusion_bridge_change_position_index "
                            "ON fusion_bridge_change (transaction_id, id)")

    @api.model
    @tools.ormcache()
    def _get_stream_models(self):
        """{stream: model name} of every model that publishes its changes (``_fusion_change_stream``).

        Cached per registry: it is read on every write of a published model.
        """
        return {
            model._fusion_change_stream: name
            for name, model in self.env.registry.items()
            if getattr(model, "_fusion_change_stream", None) and not model._abstract
        }

    @api.model
    def _record_changes(self, stream: str, res_ids: list[int], event: str) -> None:
        """Record that records of ``stream`` changed, in the current transaction (one INSERT).

        Parameters
        ----------
        stream : str
            A published stream: "partners", "orders", "leads", "deliveries", "invoices",
            "availability" ("tickets" with the helpdesk glue).
        res_ids : list of int
            Ids of the changed records. Records outside the stream's scope (a draft
            invoice, an internal transfer) are skipped; for ``delete`` the ids of
            records already gone are recorded, without company or customer: only
            the sources they were bound to see them.
        event : str
            "upsert" (created or changed), "archive" or "delete".
        """
        if event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}, not {event!r}")
        model_name = self._get_stream_models().get(stream)
        if model_name is None:
            raise ValueError(f"{stream!r} is not a published stream")
        ids = sorted({int(res_id) for res_id in res_ids if res_id})
        if not ids:
            return
        Model = self.env[model_name]
        # Scopes read the customer from res_partner.commercial_partner_id: a contact created in this
        # transaction has it pending in the cache until flushed, and the row would name no customer.
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        scope = Model._get_fusion_change_scope()
        if event == "delete":
            join = SQL("LEFT JOIN (%s) AS scope ON scope.id = ids.id WHERE scope.id IS NOT NULL "
                       "OR NOT EXISTS (SELECT 1 FROM %s WHERE id = ids.id)", scope, SQL.identifier(Model._table))
        else:
            join = SQL("JOIN (%s) AS scope ON scope.id = ids.id", scope)
        self.env.cr.execute(SQL(
            """INSERT INTO fusion_bridge_change
                   (stream, model_name, res_id, event, company_id, customer_id, source_id, changed_at, transaction_id)
               SELECT %s, %s, ids.id, %s, scope.company_id, scope.customer_id, scope.source_id,
                      now() AT TIME ZONE 'UTC', %s
                 FROM unnest(%s::int[]) AS ids(id) %s""",
            stream, model_name, event, CURRENT_TRANSACTION, ids, join))

    @api.model
    def _read_changes(self, source, streams, position, limit):
        """Rows after ``position`` that ``source`` sees, in (transaction id, id) order, one query.

        A source sees a row of its streams when the record is bound to it, when
        the record's customer is one of its customers in its company, or when
        the row names it (its watched products). Only rows of ended transactions
        are read: see the module's docstring.

        Returns
        -------
        list of tuple
            ``(transaction_id, id, stream, res_id, event, changed_at)``.
        """
        self._check_retained(position)
        bindings = self.env["fusion.bridge.binding"].search_read(
            [("source_id", "=", source.id), ("model_name", "=", "res.partner")], ["res_id"])
        customers = self.env["res.partner"].browse([row["res_id"] for row in bindings]).exists()
        customer_ids = customers.commercial_partner_id.ids
        transaction_id, change_id = position or (0, 0)
        self.env.cr.execute(SQL(
            """SELECT c.transaction_id, c.id, c.stream, c.res_id, c.event, c.changed_at
                 FROM fusion_bridge_change c
                WHERE (c.transaction_id, c.id) > (%s, %s)
                  AND c.transaction_id < %s
                  AND c.stream = ANY(%s)
                  AND (c.source_id = %s
                       OR (c.company_id = %s AND c.customer_id = ANY(%s))
                       OR EXISTS (SELECT 1 FROM fusion_bridge_binding b
                                   WHERE b.source_id = %s AND b.model_name = c.model_name AND b.res_id = c.res_id))
             ORDER BY c.transaction_id, c.id
                LIMIT %s""",
            transaction_id, change_id, VISIBLE_HORIZON, list(streams), source.id, source.company_id.id,
            customer_ids, source.id, limit))
        return self.env.cr.fetchall()

    @api.model
    def _check_retained(self, position):
        """Refuse a cursor older than the purged rows: the client must read the records afresh."""
        purged = self.env["ir.config_parameter"].sudo().get_param(PURGED_PARAMETER)
        if position and purged and tuple(position) < tuple(int(part) for part in purged.split(",")):
            raise FusionError(self.env._("This cursor points at changes removed after the retention period: read "
                                         "your records again, then follow the feed from the start."),
                              code="cursor_expired", field="cursor")

    @api.model
    def _get_retention_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAMETER)
        return int(value) if value and value.isdigit() else DEFAULT_RETENTION_DAYS

    @api.model
    def _cron_purge(self):
        """Delete the changes older than the retention period; remember the last one deleted."""
        limit = fields.Datetime.now() - datetime.timedelta(days=self._get_retention_days())
        self.env.cr.execute(SQL(
            """WITH purged AS (DELETE FROM fusion_bridge_change WHERE changed_at < %s RETURNING transaction_id, id)
               SELECT transaction_id, id FROM purged ORDER BY transaction_id DESC, id DESC LIMIT 1""", limit))
        last = self.env.cr.fetchone()
        if last:
            parameters = self.env["ir.config_parameter"].sudo()
            previous = parameters.get_param(PURGED_PARAMETER)
            if not previous or tuple(int(part) for part in previous.split(",")) < last:
                parameters.set_param(PURGED_PARAMETER, f"{last[0]},{last[1]}")
        return True
