from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fairhearing.web"
    label = "web"
