from odoo.tests import tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestOperationFlags(BridgeCommon):
    """The operation -> switch mapping is one hook every glue addon extends; ``_allows`` reads it."""

    def test_every_operation_is_allowed_by_a_boolean_switch_of_the_source(self):
        flags = self.source._get_fusion_operation_flags()
        self.assertLessEqual({"upsert_partners", "changes", "simulate_quote", "cockpit_figures"}, set(flags))
        for operation, flag in flags.items():
            self.assertEqual(self.source._fields[flag].type, "boolean", operation)
            self.source[flag] = True
            self.assertTrue(self.source._allows(operation), operation)
            self.source[flag] = False
            self.assertFalse(self.source._allows(operation), operation)

    def test_an_operation_without_a_switch_is_refused(self):
        self.assertFalse(self.source._allows("drop_database"))
        self.assertEqual(self.bridge._call("drop_database", lambda bridge, source: {})["error"]["code"],
                         "operation_not_allowed")
