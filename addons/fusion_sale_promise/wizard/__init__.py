from . import fusion_promise_approval
