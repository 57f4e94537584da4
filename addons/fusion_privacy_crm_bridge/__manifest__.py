{
    "name": "ERP-CRM Fusion: Erasure Reaches External CRMs",
    "summary": "An erasure emits a deletion on the CRM bridge's changes feed; bindings stay so the sources see it",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_privacy", "fusion_crm_bridge"],
    "auto_install": True,
}
