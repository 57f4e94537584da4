{
    "name": "ERP-CRM Fusion: Prediction to Action with the Demand Forecast",
    "summary": "Forecast stock-out signals for the action rules, written by every demand forecast run",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_actions", "fusion_forecast"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "auto_install": True,
}
