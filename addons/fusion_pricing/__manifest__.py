{
    "name": "ERP-CRM Fusion: Dynamic Pricing",
    "summary": "Price proposals from the company's own price response and stock cover, inside the pricing "
    "guardrail: approved in one screen or applied within a band, logged, reversible and measured against a control",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_sale_promise"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "data": [
        "security/fusion_pricing_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/fusion_price_proposal_views.xml",
        "views/fusion_price_change_views.xml",
        "wizard/fusion_price_impact_views.xml",
        "views/res_config_settings_views.xml",
        "views/fusion_pricing_menus.xml",
    ],
}
