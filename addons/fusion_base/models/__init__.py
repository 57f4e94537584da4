from . import fusion_data_purpose
from . import res_config_settings
from . import fusion_model_version_mixin
from . import fusion_reason
from . import fusion_company_cron_mixin
