{
    "name": "ERP-CRM Fusion: Large Bridge Batches as Queued Jobs",
    "summary": "Bridge batches over a source's size limit run as OCA queue_job jobs, in a channel with a "
               "capacity, each chunk once",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_crm_bridge", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "views/fusion_bridge_source_views.xml",
    ],
    "auto_install": True,
}
