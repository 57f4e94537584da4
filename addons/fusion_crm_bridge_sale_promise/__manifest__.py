{
    "name": "ERP-CRM Fusion: Promise Checks of Bridged Orders",
    "summary": "Orders an external CRM pushes through the bridge get the promise and pricing check; "
    "those with exceptions stay quotations for a manager",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_crm_bridge", "fusion_sale_promise"],
    "auto_install": True,
}
