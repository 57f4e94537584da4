{
    "name": "ERP-CRM Fusion: Sale Promise",
    "summary": "Availability-aware delivery promise and pricing guardrail on every quotation, "
    "with manager approval of exceptions and a quote simulation over XML-RPC",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "sale_management", "sale_stock"],
    "external_dependencies": {"python": ["erp-crm-fusion"]},
    "data": [
        "security/fusion_sale_promise_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "wizard/fusion_promise_approval_views.xml",
        "views/sale_order_views.xml",
        "views/stock_warehouse_views.xml",
        "views/product_category_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["fusion_sale_promise/static/src/**/*"],
        "web.assets_tests": ["fusion_sale_promise/static/tests/tours/**/*"],
    },
}
