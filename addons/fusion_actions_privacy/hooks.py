from odoo.tools.sql import column_exists


def post_init_hook(env):
    """Move the "Refuses offers" flags fusion_actions stored into the consent register (one rule, one place).

    fusion_actions alone stores the flag on the partner; with the register the flag is a view of it, so each
    customer who refused becomes a recorded refusal of retention offers by email (source: import), and the
    stored column is emptied.
    """
    if not column_exists(env.cr, "res_partner", "fusion_marketing_opt_out"):
        return
    env.cr.execute("SELECT id FROM res_partner WHERE fusion_marketing_opt_out")
    env["fusion.privacy.consent"].create([
        {"partner_id": partner_id, "channel": "email", "purpose": "retention", "granted": False, "source": "import"}
        for (partner_id,) in env.cr.fetchall()])
    env.cr.execute("UPDATE res_partner SET fusion_marketing_opt_out = NULL WHERE fusion_marketing_opt_out")
