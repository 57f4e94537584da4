from . import test_promise_signals
