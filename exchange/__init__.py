"""Working inside the national system: the outbox that synchronises every dossier change to
the national portal's adapter, and the client that sends it (docs/national-exchange.md)."""
