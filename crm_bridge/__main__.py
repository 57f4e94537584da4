"""``python -m crm_bridge``: the bridge's command line (see :mod:`crm_bridge.sync.cli`)."""

import sys

from crm_bridge.sync.cli import main

sys.exit(main())
