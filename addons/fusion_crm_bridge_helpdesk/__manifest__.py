{
    "name": "ERP-CRM Fusion: Tickets in the CRM Bridge's Changes Feed",
    "summary": "Helpdesk tickets pushed through the bridge, or of a source's customers, are published in its "
               "changes feed: created, changed, closed, archived and deleted",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_crm_bridge", "helpdesk_mgmt"],
    "auto_install": True,
}
