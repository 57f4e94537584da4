{
    "name": "ERP-CRM Fusion: Demand Forecast",
    "summary": "Weekly demand forecast per product, customer segment and warehouse, with intervals, "
    "coherent totals and its value added against seasonal naive, under Inventory reporting",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "sale_stock"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas", "statsforecast"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fusion_forecast_security.xml",
        "data/fusion_data_purpose_data.xml",
        "data/ir_cron_data.xml",
        "views/fusion_forecast_views.xml",
        "views/fusion_forecast_run_views.xml",
        "views/product_template_views.xml",
        "views/stock_warehouse_orderpoint_views.xml",
        "views/res_config_settings_views.xml",
        "views/fusion_forecast_menus.xml",
    ],
}
