"""Citizen accounts: sign-up confirmed by a text message (signup.py), log-in by phone
number, and password reset by e-mail — their forms, pages and URLs."""
