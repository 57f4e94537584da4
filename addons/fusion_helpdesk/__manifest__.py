{
    "name": "ERP-CRM Fusion: Helpdesk",
    "summary": "Tickets in Spanish and English classified on arrival (category, urgency, sentiment, language, "
    "key phrases), routed by load, escalated, answered with the customer's operational context, "
    "closed with resolution and feedback that feed retraining",
    "version": "18.0.1.1.0",
    "category": "After-Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "helpdesk_mgmt", "sale_stock"],
    "external_dependencies": {
        "python": ["erp-crm-fusion", "pandas", "scikit-learn", "skops", "spacy", "spacy-lookups-data"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/fusion_helpdesk_security.xml",
        "data/helpdesk_ticket_category_data.xml",
        "data/fusion_data_purpose_data.xml",
        "data/ir_cron_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/fusion_ticket_model_views.xml",
        "views/fusion_ticket_label_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/fusion_ticket_close_views.xml",
        "views/fusion_helpdesk_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["fusion_helpdesk/static/tests/tours/**/*"],
    },
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
