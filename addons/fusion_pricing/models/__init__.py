from . import res_company
from . import res_config_settings
from . import fusion_price_change
from . import fusion_price_proposal
