from . import test_approval_gate, test_approval_language, test_promise_fields, test_quote_simulation, test_tours
