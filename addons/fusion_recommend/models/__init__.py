from . import fusion_sale_suggestion
from . import res_partner
from . import sale_order
from . import fusion_action_rule
