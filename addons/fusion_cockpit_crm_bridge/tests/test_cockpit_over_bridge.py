import datetime as dt

from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.tests.common import BridgeCommon


@tagged("post_install", "-at_install")
class TestCockpitOverBridge(BridgeCommon):
    """Stored cockpit rows of two companies, read by a source's technical user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.allow_cockpit = True
        september, october = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
        Measure = cls.env["fusion.cockpit.measure"].sudo()
        rows = [
            # (company, month, segment, salesperson, measure, value, base, records)
            (cls.company, september, "B2B", "Ana", "promise_accuracy", 8.0, 10.0, 10),
            (cls.company, september, "B2B", "Bob", "promise_accuracy", 1.0, 10.0, 10),
            (cls.company, september, "B2C", "Ana", "promise_accuracy", 5.0, 5.0, 5),
            (cls.company, october, "B2B", "Ana", "lost_to_late_promise", 300.0, 1.0, 2),
            (cls.company, october, "B2C", "Bob", "lost_to_late_promise", 200.0, 1.0, 1),
            (cls.other_company, october, "B2B", "Eve", "lost_to_late_promise", 9999.0, 1.0, 1),
        ]
        Measure.create([{
            "company_id": company.id, "month": month, "segment": segment, "salesperson": salesperson,
            "measure": measure, "value": value, "base": base, "record_count": records,
            "figure": value / base if measure == "promise_accuracy" else value,
        } for company, month, segment, salesperson, measure, value, base, records in rows])

    def test_figures_add_up_the_way_the_cockpit_does_for_the_source_company_only(self):
        response = self.bridge.cockpit_figures(["2026-09", "2026-10"], ["month"])
        self.assertTrue(response["ok"], response)
        figures = {(f["month"], f["measure"]): f for f in response["figures"]}
        accuracy = figures[("2026-09", "promise_accuracy")]
        # A ratio measure: the sums of values over the sums of bases, not a mean of the rows' ratios.
        self.assertAlmostEqual(accuracy["figure"], 14.0 / 25.0)
        self.assertEqual(accuracy["records"], 25)
        self.assertEqual(accuracy["evidence"], "measured")
        lost = figures[("2026-10", "lost_to_late_promise")]
        self.assertEqual(lost["figure"], 500.0, "the other company's figures are not the source's")
        self.assertNotIn("salesperson", lost)

    def test_by_segment_and_as_a_whole(self):
        by_segment = self.bridge.cockpit_figures(["2026-09"], ["segment"])["figures"]
        self.assertEqual({(f["segment"], round(f["figure"], 3)) for f in by_segment},
                         {("B2B", 0.45), ("B2C", 1.0)})
        whole = self.bridge.cockpit_figures(False, [])["figures"]
        self.assertEqual({f["measure"] for f in whole}, {"promise_accuracy", "lost_to_late_promise"})

    def test_bad_queries_and_sources_not_allowed_are_refused(self):
        for months, by, code in ((["2026-13"], ["month"], "invalid_value"), ("2026-09", ["month"], "invalid_type"),
                                 (["2026-09"], ["salesperson"], "invalid_dimension"),
                                 ([f"2026-{m:02d}" for m in range(1, 13)] * 4, [], "batch_too_large")):
            response = self.bridge.cockpit_figures(months, by)
            self.assertFalse(response["ok"])
            self.assertEqual(response["error"]["code"], code, (months, by))
        self.source.allow_cockpit = False
        refused = self.bridge.cockpit_figures(False, [])
        self.assertEqual(refused["error"]["code"], "operation_not_allowed")
        self.assertNotIn("figures", refused)
