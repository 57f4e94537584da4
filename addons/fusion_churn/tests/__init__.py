from . import test_churn_registry
from . import test_churn_scoring
from . import test_churn_insufficient_data
from . import test_company_tables
from . import test_churn_reasons
