from . import test_consent_in_actions
