{
    "name": "ERP-CRM Fusion: Churn Features in the Uplift Model",
    "summary": "The retention offer's uplift is learnt from the churn model's customer features, as in the core",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_recommend", "fusion_churn"],
    "auto_install": True,
}
