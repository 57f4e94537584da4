from . import fusion_action_rule
