from . import test_stockout_signals
