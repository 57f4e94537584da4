{
    "name": "ERP-CRM Fusion: Lead Routing by Capacity",
    "summary": "New leads go to the salesperson who wins that kind of lead, speaks its language and has room, "
    "with the reasons on the lead",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "sale_crm"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas", "scikit-learn", "scipy"]},
    "data": [
        "views/crm_lead_views.xml",
        "views/crm_team_member_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
