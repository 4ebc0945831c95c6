from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fairhearing.demo"
    label = "demo"
