from . import test_bridge_api
from . import test_bridge_scope
from . import test_bridge_security
from . import test_one_view
from . import test_bridge_changes
from . import test_bridge_conflicts
from . import test_operation_flags
