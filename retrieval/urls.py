"""One spelling per article address, so the same story under tracking links is one article."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from retrieval.errors import NewsbotError

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "ncid", "sr_share", "smid", "smtyp",
        "mbid", "ref", "ref_src", "ref_url", "s_cid", "taid", "guccounter",
        "guce_referrer", "guce_referrer_sig", "amp", "outputtype", "__twitter_impression",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_", "oly_", "vero_")
_AMP_PATH = re.compile(r"(/amp/?$)|(\.amp(?=\.html?$|$))|(^/amp(?=/))", re.IGNORECASE)
_AMP_HOST_PREFIX = ("amp.", "m.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking parameters,
    AMP variant or trailing slash. Raises NewsbotError for what is not a web address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise NewsbotError(f"{url!r} is not a valid web address ({exc}).") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        raise NewsbotError(f"{url!r} is not a web address (http:// or https://).")
    if host.startswith(_AMP_HOST_PREFIX) and host.count(".") >= 2:
        host = host.split(".", 1)[1]
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if path != "/":
        path = path.rstrip("/")
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))
