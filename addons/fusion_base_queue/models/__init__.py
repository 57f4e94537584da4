from . import fusion_company_cron_mixin
