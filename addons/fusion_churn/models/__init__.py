from . import res_company
from . import res_config_settings
from . import fusion_churn_dataset
from . import fusion_churn_model
from . import fusion_churn_score
from . import res_partner
from . import sale_order
from . import crm_lead
