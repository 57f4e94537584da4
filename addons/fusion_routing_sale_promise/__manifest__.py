{
    "name": "ERP-CRM Fusion: Orders to the Warehouse that Serves Them",
    "summary": "On a quotation of a company with several warehouses, the warehouse that delivers it soonest and "
    "cheapest (shipping cost per warehouse, cost of an extra shipment), with its reason; one click applies it",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ERP-CRM Fusion",
    "website": "https://github.com/erp-crm-fusion/erp-crm-fusion",
    "license": "LGPL-3",
    "depends": ["fusion_routing", "fusion_sale_promise"],
    "external_dependencies": {"python": ["erp-crm-fusion", "pandas"]},
    "data": [
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/stock_warehouse_views.xml",
    ],
    "auto_install": True,
}
