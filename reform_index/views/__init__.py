"""The reform index pages, by topic: ``public`` (the ranking and each unit's scorecard),
``work`` (the staff workspace), ``scoring`` (the self-assessment and appraisal sheets,
evidence files) and ``inspections``."""
