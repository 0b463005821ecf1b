"""gunicorn's settings in the web container: `gunicorn dashboard.wsgi:application -c <this file>`.

TLS ends at a proxy in front of gunicorn. gunicorn believes a request's X-Forwarded-Proto (and so
Django's `request.is_secure()`, its HTTPS redirect and Secure cookies) only from the proxies in
DJANGO_TRUSTED_PROXIES, the same list Django reads X-Forwarded-For by (`tenants.auth`): by
default the container's own loopback, that is no outside proxy at all.
Django's SECURE_PROXY_SSL_HEADER is left unset, since it would believe the header from anyone.
Workers: WEB_CONCURRENCY (gunicorn reads it); more options: GUNICORN_CMD_ARGS.
"""

import os

bind = ["0.0.0.0:8000"]
accesslog = "-"
# Comma-separated addresses or networks (CIDR) of the proxies in front, e.g. 172.18.0.0/16 for
# a proxy container on the compose network. Never "*": anyone could then claim HTTPS.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES") or "127.0.0.1,::1"
# No runtime control socket (gunicornc): the stack does not use it, and the image's home directory
# is read-only to the dashboard's user.
control_socket_disable = True
