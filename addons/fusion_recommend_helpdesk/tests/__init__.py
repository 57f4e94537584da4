from . import test_complaints
