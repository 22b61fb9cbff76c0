"""Every write of the payments app with a rule in it: fee lines and requests (``fees``),
payments from any channel (``settle``), bank statements (``statements``)."""
