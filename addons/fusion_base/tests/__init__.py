from . import test_data_purpose
