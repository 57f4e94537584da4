from . import test_cockpit
