from . import fusion_price_impact
