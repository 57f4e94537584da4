from . import (
    product_category,
    product_product,
    res_company,
    res_config_settings,
    sale_order,
    sale_order_line,
    stock_warehouse,
)
