from . import test_churn_tickets
