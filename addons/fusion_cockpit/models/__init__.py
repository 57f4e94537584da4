from . import fusion_cockpit_measure
from . import sale_order
