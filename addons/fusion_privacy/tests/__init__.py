from . import test_consent
from . import test_retention
from . import test_erasure
from . import test_processing
