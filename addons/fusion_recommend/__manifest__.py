{
    "name": "ERP-CRM Fusion: Recommendations",
    "summary": "The next best action of each customer, chosen by measured uplift, and suggested quotation lines "
    "the company can deliver in time above its margin floor",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_actions", "fusion_sale_promise", "fusion_actions_sale_promise"],
    "external_dependencies": {"python": ["erp-crm-fusion", "numpy", "pandas", "scikit-learn"]},
    "data": [
        "security/fusion_recommend_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "wizard/fusion_recommend_targeting_views.xml",
    ],
}
