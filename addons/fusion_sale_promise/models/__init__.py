from . import product_category
from . import product_product
from . import res_company
from . import res_config_settings
from . import stock_warehouse
from . import sale_order
from . import sale_order_line
