"""Server-rendered dossier pages, one module per audience: citizen (filing, tracking,
lookup), desk (staff screens) and printing (forms and logbook). Each module lists its own
``urlpatterns``; dossiers/urls.py joins them. The account pages are in core/accounts."""
