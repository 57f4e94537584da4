"""External CRMs to Odoo: the typed XML-RPC client, export pushes and the ``python -m crm_bridge`` CLI."""
