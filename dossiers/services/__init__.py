"""Every write on a dossier that carries a rule, one function per use case, atomic, by
topic: ``intake`` creates dossiers, ``transitions`` holds the one writer of a dossier's
status and the actions, ``clock`` the deadline arithmetic applied to a dossier,
``attachments`` the stored files and ``errors`` what the services refuse with."""
