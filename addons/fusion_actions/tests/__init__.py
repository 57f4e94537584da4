from . import test_action_rules
