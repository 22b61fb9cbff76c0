"""Every write of the reform index with a business rule, one function per use case, atomic,
by topic: ``access`` (who may do what, refusals), ``lifecycle`` (the scorecard's states
and copying a year), ``computing`` (automatic criteria), ``self_assessment``,
``appraisal``, ``entries`` (score entries both of them check), ``criteria_tree`` (the
tree's checks), ``criteria_io`` (criteria export and import) and ``inspections``.

Callers import from the module that holds the use case."""
