from . import test_price_proposals
