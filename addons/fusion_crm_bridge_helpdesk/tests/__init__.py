from . import test_ticket_stream
