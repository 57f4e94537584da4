from . import test_ticket_routing
