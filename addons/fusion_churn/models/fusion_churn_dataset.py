from odoo import api, models
from odoo.exceptions import UserError

from ai_insights.churn.features import INPUT_COLUMNS
from crm_bridge.privacy.erasure import training_exclusions
from crm_bridge.tables.backends import OrmBackend
from crm_bridge.tables.odoo import UndeclaredFieldsError, check_declared, erased_customers, fields_read, read_tables

CONSUMER = "churn model"
# The tables the models read from Odoo. Interactions are not among them: Odoo keeps no structured
# log of calls and meetings (crm_bridge.tables.odoo reads that table empty), so their features stay unknown.
TABLES = ("orders", "order_lines", "invoices")


class FusionChurnDataset(models.AbstractModel):
    """The churn and lifetime value models' view of a company: the feature builder's tables.

    The tables come from the one reader of an Odoo company
    (``crm_bridge.tables.odoo.read_tables``), run as superuser within the
    company: the declared purpose is the authorisation, and every user gets
    the same scores. The reader is given the fields declared for the consumer
    "churn model" in ``fusion.data.purpose`` and reads nothing else, so only
    declared fields ever reach a model.
    """

    _name = "fusion.churn.dataset"
    _description = "ERP-CRM Fusion: churn and lifetime value data"

    @api.model
    def _get_fusion_allowed_fields(self, model_names):
        """{model: fields declared for the churn model}, for each of ``model_names``."""
        purposes = self.env["fusion.data.purpose"]
        return {model: purposes._get_allowed_fields(CONSUMER, model) for model in model_names}

    @api.model
    def _get_fusion_undeclared_error(self, error):
        """The UserError telling a manager which fields of an ``UndeclaredFieldsError`` to declare."""
        undeclared = sorted(error.details["undeclared"].items())
        listed = "; ".join(f"{model}: {', '.join(names)}" for model, names in undeclared)
        return UserError(self.env._(
            "The churn model needs fields without a declared purpose (%(fields)s): declare their purpose in "
            "Settings > ERP-CRM Fusion > Declared data uses.", fields=listed))

    @api.model
    def _get_fusion_columns(self, backend):
        """{table: columns} the models read; tickets only when a helpdesk is installed and its fields declared.

        Without tickets the ticket features are unknown (NaN), not zero.
        """
        columns = {table: INPUT_COLUMNS[table] for table in TABLES}
        tickets = {"tickets": INPUT_COLUMNS["tickets"]}
        needed = fields_read(backend, tickets)
        allowed = self._get_fusion_allowed_fields(needed)
        if "helpdesk.ticket" in needed and all(names <= allowed[model] for model, names in needed.items()):
            columns.update(tickets)
        return columns

    @api.model
    def _get_fusion_tables(self, company):
        """{table name: DataFrame} of ``company`` for ``ai_insights.churn.features.build_features``."""
        backend = OrmBackend(self.sudo().env)
        columns = self._get_fusion_columns(backend)
        allowed = self._get_fusion_allowed_fields(fields_read(backend, columns))
        try:
            return read_tables(backend, company.id, columns, allowed_fields=allowed)
        except UndeclaredFieldsError as error:
            raise self._get_fusion_undeclared_error(error) from error

    @api.model
    def _get_fusion_training_exclusions(self, company):
        """What the card says of the customers of ``company`` the tables leave out because they were erased.

        The reader drops erased customers from every table (``crm_bridge.tables.odoo``); they are counted
        here among the customers with an order in the company, which the law keeps (two queries).
        """
        erased = erased_customers(OrmBackend(self.sudo().env))
        customers = set()
        if erased:
            groups = self.env["sale.order"].sudo().with_context(active_test=False)._read_group(
                [("company_id", "=", company.id), ("partner_id.commercial_partner_id", "in", list(erased))],
                ["partner_id"])
            customers = {partner.commercial_partner_id.id for (partner,) in groups}
        return training_exclusions(erased, customers)

    @api.model
    def _read_declared(self, model, ids, fnames):
        """Rows of ``model`` for ``ids`` (many2ones as ids), when ``fnames`` are all declared for the churn model."""
        try:
            check_declared({model: fnames}, self._get_fusion_allowed_fields([model]))
        except UndeclaredFieldsError as error:
            raise self._get_fusion_undeclared_error(error) from error
        return OrmBackend(self.sudo().env).read(model, list(ids), list(fnames), {"active_test": False})
