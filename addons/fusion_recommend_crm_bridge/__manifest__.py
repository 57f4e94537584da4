{
    "name": "ERP-CRM Fusion: Recommendations in the CRM Bridge",
    "summary": "The ERP panel's next best action comes from the recommendations; leads show it with its button; "
    "external CRMs ask for a customer's or a basket's suggestions over XML-RPC",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_recommend", "fusion_crm_bridge"],
    "data": [
        "views/crm_lead_views.xml",
        "views/fusion_bridge_source_views.xml",
    ],
    "auto_install": True,
}
