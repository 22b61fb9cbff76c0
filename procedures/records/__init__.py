"""The national procedure record (CATALOGUE_FORMAT.md) mapped to and from the catalogue's
model values, and its flat CSV form.

Pure: nothing here touches the database, so the mapping is tested on its own. The record
text comes scraped from the national portal's pages, so every value is cleaned (white
space, NBSP, trailing dots, numbers written as text) and the cleaning is idempotent: a
record exported from the catalogue imports back to the same values.
"""
