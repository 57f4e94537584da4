from odoo import api, models

from crm_bridge.contract.errors import FusionError


class SaleOrder(models.Model):
    """The quote API for a bridge source's technical user: its operations, its customers, its orders.

    The technical user holds only the bridge API group, so the simulation runs
    elevated within the source's company, after the checks that scope it: the
    source may quote (``allow_quotes``), the customer is one it is bound to, the
    order one it pushed or was given. Other callers get the base behaviour.
    """

    _inherit = "sale.order"

    @api.model
    def fusion_simulate_quote(self, partner_id, lines, options=None):
        source, error = self._get_fusion_bridge_source("simulate_quote")
        if source is None and error is None:
            return super().fusion_simulate_quote(partner_id, lines, options)
        error = error or self._check_fusion_bridge_bound(source, "res.partner", partner_id, "partner_id")
        if error:
            return self._fusion_api_response("simulate_quote", [error])
        return super(SaleOrder, self._as_fusion_bridge_source(source)).fusion_simulate_quote(
            partner_id, lines, options)

    @api.model
    def fusion_check_order(self, order_id):
        source, error = self._get_fusion_bridge_source("check_order")
        if source is None and error is None:
            return super().fusion_check_order(order_id)
        error = error or self._check_fusion_bridge_bound(source, "sale.order", order_id, "order_id")
        if error:
            return self._fusion_api_response("check_order", [error])
        return super(SaleOrder, self._as_fusion_bridge_source(source)).fusion_check_order(order_id)

    @api.model
    def _get_fusion_bridge_source(self, operation):
        """(source, error) of a caller that is a bridge source's technical user; (None, None) for anyone else.

        The source's own rules apply (``fusion.bridge._get_caller_source``): an
        archived source, or one without ``allow_quotes``, is refused.
        """
        Source = self.env["fusion.bridge.source"].sudo().with_context(active_test=False)
        if not Source.search_count([("user_id", "=", self.env.uid)], limit=1):
            return None, None
        Bridge = self.env["fusion.bridge"]
        bridge = Bridge.with_env(self.env(context=Bridge._get_client_context()))
        try:
            return bridge._get_caller_source(operation), None
        except FusionError as exc:
            return None, exc

    @api.model
    def _check_fusion_bridge_bound(self, source, model_name, res_id, field):
        """``not_owned`` unless the record (a customer: or its company) is bound to the source."""
        record = self.env[model_name].sudo().browse(res_id if isinstance(res_id, int) and
                                                   not isinstance(res_id, bool) else 0).exists()
        candidates = record | record.commercial_partner_id if model_name == "res.partner" else record
        bound = self.env["fusion.bridge.binding"].sudo()._get_external_ids(source, model_name, candidates.ids)
        if bound:
            return None
        return FusionError(self.env._("%(model)s %(id)s was neither created by this source nor bound to it by a "
                                      "manager.", model=model_name, id=res_id), code="not_owned", field=field)

    @api.model
    def _as_fusion_bridge_source(self, source):
        """Elevated within the source's company, with the caller's cleaned context."""
        context = self.env["fusion.bridge"]._get_client_context()
        return self.sudo().with_company(source.company_id).with_context(
            context, allowed_company_ids=source.company_id.ids)
