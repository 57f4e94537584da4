from . import test_bridge_check, test_promise_contract
