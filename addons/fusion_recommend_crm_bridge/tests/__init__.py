from . import test_recommend_bridge
