"""Deterministic demo company of ERP-CRM Fusion: a mid-size distributor's tables.

>>> from demo_company import generate
>>> company = generate(seed=7, size="tiny")
>>> sorted(company.public_tables())[:3]
['customers', 'incoming', 'interactions']
"""

from demo_company.company import DemoCompany
from demo_company.generator import SIZES, generate
from demo_company.response import simulate_outcomes
from demo_company.tickets import make_ticket_corpus

__all__ = ["DemoCompany", "SIZES", "generate", "make_ticket_corpus", "simulate_outcomes"]
