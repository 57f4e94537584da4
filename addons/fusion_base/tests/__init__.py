from . import test_data_purpose
from . import test_fusion_common
