"""Server-rendered dossier pages, one module per audience: accounts (sign-up, log-in,
password reset), citizen (filing, tracking, lookup), desk (staff screens) and printing
(forms and logbook). Each module lists its own ``urlpatterns``; dossiers/urls.py joins
them."""
