"""Serializers of the dossier API by topic: ``dossier`` (what the API answers), ``lookup``
(the public lookup by code and phone) and ``bodies`` (what intake and the actions take)."""
