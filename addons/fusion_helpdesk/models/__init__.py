from . import res_company
from . import res_config_settings
from . import helpdesk_ticket_category
from . import fusion_ticket_model
from . import fusion_ticket_label
from . import helpdesk_ticket
