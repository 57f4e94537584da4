from . import test_cron_jobs
