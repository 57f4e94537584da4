{
    "name": "ERP-CRM Fusion: Base",
    "summary": "Security groups, declared data purposes and settings shared by the ERP-CRM Fusion addons",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["base_setup", "sales_team"],
    "external_dependencies": {"python": ["erp-crm-fusion", "skops"]},
    "data": [
        "security/fusion_security.xml",
        "security/ir.model.access.csv",
        "views/fusion_data_purpose_views.xml",
        "views/res_config_settings_views.xml",
        "views/fusion_menus.xml",
    ],
}
