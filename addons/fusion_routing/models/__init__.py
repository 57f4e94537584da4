from . import fusion_routing_mixin
from . import res_company
from . import res_config_settings
from . import crm_team_member
from . import crm_lead
