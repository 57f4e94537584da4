from . import crm_lead
from . import fusion_bridge
from . import fusion_bridge_source
from . import res_partner
