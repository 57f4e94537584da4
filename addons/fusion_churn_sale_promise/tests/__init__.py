from . import test_customer_value
