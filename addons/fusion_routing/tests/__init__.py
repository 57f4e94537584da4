from . import test_lead_routing
