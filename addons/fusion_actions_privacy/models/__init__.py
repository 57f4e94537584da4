from . import fusion_action_rule
from . import res_partner
