from . import test_customer_value, test_tours
