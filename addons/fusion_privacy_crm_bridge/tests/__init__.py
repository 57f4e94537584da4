from . import test_consent_over_bridge
