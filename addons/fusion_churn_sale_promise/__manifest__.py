{
    "name": "ERP-CRM Fusion: Churn Risk in the Pricing Guardrail",
    "summary": "Loyal customers at risk get more discount room on their quotations",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_churn", "fusion_sale_promise"],
    "auto_install": True,
}
