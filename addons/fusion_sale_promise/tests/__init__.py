from . import test_promise_fields
from . import test_approval_gate
from . import test_quote_simulation
