from . import test_one_view_churn
