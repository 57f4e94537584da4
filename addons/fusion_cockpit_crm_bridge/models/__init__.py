from . import fusion_bridge
