from . import fusion_company_cron_mixin
from . import res_config_settings
