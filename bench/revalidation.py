"""What re-validating the session's token with Keystone costs a page.

Signs in for real as `demo` on the local cloud (`python3 -m devcloud up`) and times the API
access page (no SQL of the mirror, so the check is most of what differs) through Django's test
client: inside the re-validation window (the answer cached; no Keystone call), and with the window
set to zero (every request asks Keystone with the service account, as the first request of each
minute does). The Django cache is whatever the settings configure (local memory by default).

    .venv/bin/python bench/revalidation.py [--requests 50]
"""

import argparse
from datetime import timedelta

from common import print_header, signed_in_client, start_django, time_get

URL = "/project/api-access/"
WIDTH = 34


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    start_django("revalidation")
    from django.conf import settings
    from django.core.cache import cache

    client = signed_in_client("demo")
    print_header("API access page", WIDTH)
    time_get(client, "within the window (cached)", URL, requests=args.requests, width=WIDTH)
    settings.KEYSTONE_REVALIDATE_INTERVAL = timedelta(0)
    cache.clear()  # the cached answer would stand for the rest of its minute
    time_get(client, "every request asks Keystone", URL, requests=args.requests, width=WIDTH)


if __name__ == "__main__":
    main()
