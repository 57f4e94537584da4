from . import test_bridge_check
from . import test_promise_contract
