{
    "name": "ERP-CRM Fusion: Cockpit over the CRM Bridge",
    "summary": "External CRMs read the cost-of-disconnection figures of their company, by month and segment",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_cockpit", "fusion_crm_bridge"],
    "auto_install": True,
}
