"""What the CRM may promise given ERP reality, and how external CRMs reach it.

* :mod:`crm_bridge.contract`: errors, reasons and the payload schemas every caller shares.
* :mod:`crm_bridge.promise`: available/capable to promise (stock, moves, capacity, calendar, units).
* :mod:`crm_bridge.pricing`: the pricing guardrail and the one days-of-cover rule.
* :mod:`crm_bridge.cockpit`: the cost of disconnection between sales and operations, each measure once.
* :mod:`crm_bridge.privacy`: consent, retention, erasure and the record of processing.
* :mod:`crm_bridge.tables`: the table schema of a company and the one reader of an Odoo company.
* :mod:`crm_bridge.sync`: the external CRM's client, export push and command line.
"""
