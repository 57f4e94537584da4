from . import fusion_action_log, fusion_action_rule, fusion_action_signal, product_template, res_partner
