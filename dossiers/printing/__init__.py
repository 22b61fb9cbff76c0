"""Printing: the official forms of one dossier (official_forms.py, issued by the agency of
agency.py, dated in the words of words.py), the unit's logbook and its files (logbook.py),
and their rendering to PDF (pdf.py)."""
