"""Health check of the web container: GET /healthz on gunicorn must answer 200 "ok".

docker compose runs it inside the container (the slim image has no curl). Django answers 400 to a
Host header missing from DJANGO_ALLOWED_HOSTS, so the request names the first allowed host.
Exit status 0 is healthy, 1 is not.
"""

import os
import sys
import urllib.request


def allowed_host() -> str:
    """The first usable name in DJANGO_ALLOWED_HOSTS ("*" and ".example.com" handled)."""
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": allowed_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
    except OSError as exc:  # URLError, HTTPError (a non-2xx status) and timeouts alike
        print(f"healthz: {exc}", file=sys.stderr)
        return 1
    if body != b"ok":
        print(f"healthz: unexpected answer {body[:100]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
