pytest_plugins = [
    "dashboard.testing.fixtures",
    "dashboard.testing.mail",
    "dashboard.testing.browser",
    "dashboard.testing.celery",
    "dashboard.testing.worker",
    "dashboard.testing.resources",
]
