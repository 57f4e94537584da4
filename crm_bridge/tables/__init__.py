"""A company as plain tables: their schema, and the one reader of an Odoo company (ORM or RPC)."""
