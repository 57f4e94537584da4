from . import test_churn_signals
