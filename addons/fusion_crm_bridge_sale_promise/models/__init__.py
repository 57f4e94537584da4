from . import fusion_bridge
from . import sale_order
