from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "fairhearing.analysis"
    label = "analysis"
    verbose_name = "Consistency and fairness analysis"
