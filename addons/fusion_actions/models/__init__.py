from . import fusion_action_rule
from . import fusion_action_log
from . import fusion_action_signal
from . import product_template
from . import res_partner
