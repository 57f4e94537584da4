from . import fusion_bridge
from . import fusion_bridge_source
from . import fusion_privacy_erasure
