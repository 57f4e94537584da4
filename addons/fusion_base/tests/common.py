from odoo.tests import TransactionCase, new_test_user


class FusionCommon(TransactionCase):
    """The root of the ERP-CRM Fusion addons' test bases.

    Every addon's ``tests/common.py`` derives its class from this one, so the
    chain starts here: tracking off, the company, and users with the least
    privilege each role has (add others with ``new_test_user`` where a test
    needs another set of groups):

    - ``fusion_user``: an internal user of the fusion features;
    - ``fusion_manager``: approves exceptions, trains and rolls back models;
    - ``api_user``: an external CRM's technical user, bridge methods only;
    - ``salesperson``: a salesperson with rights on their own documents only
      (``sales_team.group_sale_salesman``) and the fusion user group.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.fusion_user = new_test_user(cls.env, "fusion_user", groups="base.group_user,fusion_base.group_fusion_user")
        cls.fusion_manager = new_test_user(
            cls.env, "fusion_manager", groups="base.group_user,fusion_base.group_fusion_manager"
        )
        cls.api_user = new_test_user(cls.env, "fusion_api", groups="base.group_user,fusion_base.group_fusion_api")
        cls.salesperson = new_test_user(
            cls.env, "fusion_salesperson", groups="sales_team.group_sale_salesman,fusion_base.group_fusion_user"
        )

    @classmethod
    def load_spanish(cls, *modules):
        """Spanish active with the terms of fusion_base (the core's phrases) and of ``modules``, as Settings does."""
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"]._load_module_terms(["fusion_base", *modules], ["es_ES"])

    @staticmethod
    def as_reader(records, user):
        """``records`` as the web client gives them to ``user``: their rights, their language."""
        return records.with_user(user).with_context(lang=user.lang)


def web_client_path(case, path):
    """``path`` under the web client's prefix: ``/odoo`` in Odoo 18, another word in a rebranded build.

    ``case`` is an ``HttpCase``; the prefix is the one the server's root redirects to.
    """
    location = case.url_open("/", allow_redirects=False).headers.get("Location", "")
    prefix = next((word for word in ("odoo", "qplexity") if f"/{word}" in location), "odoo")
    return f"/{prefix}{path}"
