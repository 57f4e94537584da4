from . import fusion_ticket_close
