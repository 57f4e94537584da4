{
    "name": "ERP-CRM Fusion: Complaints in Recommendations",
    "summary": "A product the customer recently complained about in a ticket is not offered to them, as a return "
    "is not",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_recommend", "fusion_helpdesk"],
    "data": ["views/helpdesk_ticket_views.xml"],
    "auto_install": True,
}
