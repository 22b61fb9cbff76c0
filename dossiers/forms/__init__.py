"""The dossier forms, by audience: citizen.py (online filing, the answers on the dossier
page, the public lookup), desk.py (counter intake and the desk's list filters) and
desk_actions.py (one form per workflow action); fields.py holds the upload fields and the
keeping of uploads across a failed submission that both audiences share."""
