from . import fusion_bridge, fusion_bridge_source
