from . import (
    fusion_forecast,
    fusion_forecast_run,
    product_template,
    res_company,
    res_config_settings,
    stock_warehouse_orderpoint,
)
