from . import product_product, res_company, res_config_settings, sale_order
