{
    "name": "ERP-CRM Fusion: Prediction to Action with the Consent Register",
    "summary": "Action rules write to a customer only with the consent the register decides for the rule's purpose",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_actions", "fusion_privacy"],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
