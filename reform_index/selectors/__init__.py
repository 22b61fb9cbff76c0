"""Reads of the reform index with business meaning, by topic: ``results`` (points,
results and the ranking), ``tree`` (the criteria tree with its points) and ``breakdown``
(one unit's scorecard explained, with the records behind its automatic points). Who sees
which scorecards, assessments and inspections is the models' ``visible_to(user)``.

Callers import from the module that holds the read."""
