"""The cost of disconnection, measured: the cockpit's measures (:mod:`.measures`) and what the suite changed
(:mod:`.change`)."""
