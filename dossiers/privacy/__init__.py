"""Personal data under the Personal Data Protection Law 91/2025 (docs/privacy.md): the
log of staff reads (reads.py), the applicant's own copy of their data (export.py) and the
erasure of finished dossiers' personal data after their retention period (retention.py)."""
