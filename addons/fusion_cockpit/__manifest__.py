{
    "name": "ERP-CRM Fusion: Cockpit",
    "summary": "What the disconnection between sales and operations costs, measured from the company's records: "
    "lost sales, margin given away, conflict tickets, promise accuracy and the paired KPIs of both sides",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "fusion_sale_promise", "fusion_helpdesk", "sale_crm"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fusion_cockpit_security.xml",
        "data/fusion_data_purpose_data.xml",
        "data/ir_cron_data.xml",
        "views/fusion_cockpit_measure_views.xml",
        "views/fusion_cockpit_menus.xml",
    ],
}
