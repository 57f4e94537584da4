"""pytest-odoo collects the addons' tests here.

Odoo logs an error when ``odoo.tests`` is imported outside test mode, and the
test modules import it at collection, before pytest-odoo's per-module fixture
turns test mode on; so turn it on first.
"""

import odoo

odoo.tools.config["test_enable"] = True
