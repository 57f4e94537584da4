from . import test_price_proposals
from . import test_pricing_settings
