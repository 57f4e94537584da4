from . import test_bridge_check
