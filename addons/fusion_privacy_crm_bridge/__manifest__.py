{
    "name": "ERP-CRM Fusion: Privacy over the CRM Bridge",
    "summary": "External CRMs push and read consents; an erasure emits a deletion on the CRM bridge's changes feed",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_privacy", "fusion_crm_bridge"],
    "data": ["views/fusion_bridge_source_views.xml"],
    "auto_install": True,
}
