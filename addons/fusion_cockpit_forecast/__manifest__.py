{
    "name": "ERP-CRM Fusion: Demand Forecast in the Cockpit",
    "summary": "The cockpit judges scarcity with the days of cover the sale order prices with: from the demand "
    "forecast where there is one",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_cockpit", "fusion_forecast_sale_promise"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "auto_install": True,
}
