from . import test_warehouse_proposal
