{
    "name": "ERP-CRM Fusion: Prediction to Action with Sale Promises",
    "summary": "Late-promise action rules read the promise checks of the confirmed orders directly",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_actions", "fusion_sale_promise"],
    "auto_install": True,
}
