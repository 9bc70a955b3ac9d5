"""The image's HEALTHCHECK: GET /healthz on the port Trygg serves HTTP on (no curl in slim).

TRYGG_HEALTH_URL if set; else the web console's port if TRYGG_WEB_URL is set; else the
webhook's port if TELEGRAM_WEBHOOK_URL is set. A bot that only polls serves no HTTP: then
there is nothing to ask, and the check passes while the process runs.
"""

import os
import sys
import urllib.request


def target() -> str | None:
    if os.environ.get("TRYGG_HEALTH_URL"):
        return os.environ["TRYGG_HEALTH_URL"]
    if os.environ.get("TRYGG_WEB_URL"):
        return f"http://127.0.0.1:{os.environ.get('TRYGG_WEB_PORT', '8090')}/healthz"
    if os.environ.get("TELEGRAM_WEBHOOK_URL"):
        return f"http://127.0.0.1:{os.environ.get('TRYGG_WEBHOOK_PORT', '8080')}/healthz"
    return None


def main() -> int:
    url = target()
    if url is None:
        return 0
    try:
        with urllib.request.urlopen(url, timeout=4) as answer:  # noqa: S310 - a local URL
            return 0 if answer.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
