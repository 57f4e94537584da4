{
    "name": "ERP-CRM Fusion: Churn Risk in the CRM Bridge",
    "summary": "The partner and lead ERP panel shows the churn risk and its main reason",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_churn", "fusion_crm_bridge"],
    "auto_install": True,
}
