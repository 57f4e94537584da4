from . import fusion_bridge, helpdesk_ticket
