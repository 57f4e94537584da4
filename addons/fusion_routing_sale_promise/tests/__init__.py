from . import test_lead_delivery
from . import test_warehouse_proposal
