{
    "name": "ERP-CRM Fusion: Churn Risk and Lifetime Value",
    "summary": "Churn risk with reasons and lifetime value on every customer, scored daily, "
    "retrained monthly, with a versioned model registry and rollback",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "sale_crm", "sale_stock"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas", "scikit-learn", "skops", "lifetimes"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fusion_churn_security.xml",
        "data/fusion_data_purpose_data.xml",
        "data/ir_cron_data.xml",
        "views/fusion_churn_model_views.xml",
        "views/fusion_churn_score_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "views/fusion_churn_menus.xml",
    ],
    "assets": {
        "web.assets_backend_lazy": ["fusion_churn/static/src/views/**/*"],
        "web.assets_tests": ["fusion_churn/static/tests/tours/**/*"],
    },
}
