from odoo import api, models


class FusionChurnDataset(models.AbstractModel):
    _inherit = "fusion.churn.dataset"

    @api.model
    def _get_ticket_fields(self):
        """Tickets also bring the analysed sentiment and the rating given at closing."""
        return dict(super()._get_ticket_fields(), sentiment="fusion_sentiment",
                    feedback_score="fusion_feedback_rating")
