{
    "name": "ERP-CRM Fusion: Demand Forecast in the Sale Promise",
    "summary": "Days of cover of the pricing guardrail from the demand forecast; optional allocation of stock to "
    "the customer segments served first",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_forecast", "fusion_sale_promise"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "data": ["views/res_config_settings_views.xml"],
    "auto_install": True,
}
