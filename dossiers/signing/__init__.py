"""Electronic signatures of results (PAdES, with pyHanko): an agency signs with its own
certificate (``keys``), the portal stamps and signs a PDF (``sign``), and anyone can check a
signed PDF against the installation's trust roots (``verify``)."""
