"""Consistency and fairness analytics: precedents, outlier decisions, consistency indices and disparities.

Pure Python over plain records (`records.CaseRecord`): no Django, so the statistics are tested on synthetic
histories without a database, and the same code serves the oversight page, the API, the CLI and the benchmark.
`fairhearing.analysis` (the Django app) loads the records and stores the results.
"""
