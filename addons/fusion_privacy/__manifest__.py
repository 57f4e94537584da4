{
    "name": "ERP-CRM Fusion: Minimum Viable Data",
    "summary": "Consent by channel and purpose on Odoo's blacklists, retention that runs, erasure that reaches "
               "derived data, access export and the record of processing",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "privacy_lookup", "sms", "sale"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/fusion_privacy_consent_views.xml",
        "views/fusion_privacy_retention_policy_views.xml",
        "views/fusion_privacy_erasure_views.xml",
        "wizard/fusion_privacy_access_export_views.xml",
        "views/res_partner_views.xml",
        "views/fusion_data_purpose_views.xml",
        "views/fusion_privacy_menus.xml",
    ],
}
