{
    "name": "ERP-CRM Fusion: Scheduled Work as Queued Jobs",
    "summary": "Churn scoring and training, forecasts, the cockpit and other per-company scheduled work run as "
               "OCA queue_job jobs, one per company, never queued twice",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_base", "queue_job"],
    "data": ["data/queue_job_data.xml", "views/res_config_settings_views.xml"],
    "auto_install": True,
}
