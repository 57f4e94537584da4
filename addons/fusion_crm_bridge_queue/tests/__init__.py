from . import test_queued_batches
