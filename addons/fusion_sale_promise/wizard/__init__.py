from . import fusion_promise_approval
from . import fusion_promise_approval_request
