{
    "name": "ERP-CRM Fusion: Support Tickets in the Churn Model",
    "summary": "The churn model reads tickets, their sentiment and the customer's feedback",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_churn", "fusion_helpdesk"],
    "auto_install": True,
}
