from . import test_ticket_analysis
from . import test_ticket_routing
from . import test_ticket_context
from . import test_ticket_model
from . import test_tours
