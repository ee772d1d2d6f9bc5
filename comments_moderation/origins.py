"""Who may post to the intake, and the CORS headers of its answers.

A browser tells where a request comes from in three headers it does not let pages forge:
``Origin``, ``Referer`` and ``Sec-Fetch-Site``. A post is refused (403) when any of them points
elsewhere than the blog: an Origin (else a Referer) of another origin, or a Sec-Fetch-Site of
``cross-site`` while the intake is served from the blog's own host.

A request with none of the three is accepted: every browser in use sends Origin with a POST
(and Sec-Fetch-Site), so such a request comes from a program (curl, a JSON API client, a
monitoring probe), which could send any header it liked anyway. Cross-site request forgery
needs a victim's browser; and the intake holds no session or cookie that a forged request could
borrow. Such posts go through the same rate limit, spam checks and moderation as any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from generator.config import Config

# Sec-Fetch-Site values that are never a foreign site's doing ("none": the reader's own action,
# such as reloading the intake's message page).
OWN_SITE = frozenset({"same-origin", "same-site", "none"})


def origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


class Origins:
    def __init__(self, config: Config, extra_origins: Iterable[str] = ()) -> None:
        endpoint = config.comments.endpoint
        # The intake's own message page posts its form back to the intake: its origin counts.
        candidates = (config.origin, endpoint, *extra_origins)
        self.allowed = {o for o in (origin_of(x) for x in candidates) if o}
        # An intake on another host than the blog may be another site (no public-suffix list
        # here to tell): then browsers rightly say cross-site for the blog's own posts.
        other_host = urlsplit(endpoint).hostname not in (None, urlsplit(config.base_url).hostname)
        self.fetch_sites = (OWN_SITE | {"cross-site"}) if other_host else OWN_SITE

    def may_post(self, environ: Mapping[str, Any]) -> bool:
        fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
        if fetch_site is not None and str(fetch_site).strip().lower() not in self.fetch_sites:
            return False
        origin = environ.get("HTTP_ORIGIN") or environ.get("HTTP_REFERER")
        return origin is None or origin_of(str(origin)) in self.allowed

    def cors(self, environ: Mapping[str, Any]) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN")
        headers = [("Vary", "Origin")]
        if origin and origin_of(str(origin)) in self.allowed:
            headers += [
                ("Access-Control-Allow-Origin", str(origin)),
                ("Access-Control-Allow-Methods", "POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                ("Access-Control-Max-Age", "600"),
            ]
        return headers
