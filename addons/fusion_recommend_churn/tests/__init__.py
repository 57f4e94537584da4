from . import test_uplift_features
