from . import fusion_data_purpose
from . import fusion_bridge_source
from . import fusion_bridge_binding
from . import fusion_bridge_request
from . import fusion_bridge_watch
from . import fusion_bridge
from . import res_partner
from . import crm_lead
