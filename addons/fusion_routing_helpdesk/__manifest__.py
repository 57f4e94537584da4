{
    "name": "ERP-CRM Fusion: Ticket Routing by Skill",
    "summary": "Tickets go to the agent who resolves that category and language fastest with the best rating, "
    "within a load limit, instead of the least loaded one",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_helpdesk", "fusion_routing"],
    "data": [
        "views/helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
}
