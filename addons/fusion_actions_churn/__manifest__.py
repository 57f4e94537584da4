{
    "name": "ERP-CRM Fusion: Prediction to Action with Churn Scores",
    "summary": "Action rules read the churn scores and lifetime values of fusion_churn directly",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_actions", "fusion_churn"],
    "auto_install": True,
}
