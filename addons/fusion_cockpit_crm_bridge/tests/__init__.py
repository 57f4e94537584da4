from . import test_cockpit_over_bridge
