"""Writes of the catalogue that carry its rules: importing national records, freezing the
terms a dossier is received under, publishing."""
