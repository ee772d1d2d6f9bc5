"""Spam signals. Suspected spam is stored with status ``spam`` and its reasons, never dropped:
a moderator can rescue a false positive with ``dialogue comments approve``.

The rate limit itself is counted in the queue (``queue.submit``), inside the insert's
transaction, so that it holds across threads and worker processes; here is only the address
it is counted on.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from comments_moderation.validate import Fields

_LINK = re.compile(r"(?i)(?:\b(?:https?|ftp)://|(?<![/\w.@-])www\.)")
_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def body_hash(body: str) -> str:
    """Equal for bodies that differ only in case and spacing: the duplicate check."""
    canonical = " ".join(unicodedata.normalize("NFKC", body).casefold().split())
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: Iterable[str]) -> list[Network]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # config validation is the place to complain; never trust a typo
    return networks


def is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(environ: Mapping[str, object], trusted_proxies: Iterable[str]) -> str:
    """The client's address. X-Forwarded-For is believed only from a trusted proxy, and only
    up to the first hop that is not itself trusted (anything left of it a client can forge)."""
    address = str(environ.get("REMOTE_ADDR") or "")
    networks = trusted_networks(trusted_proxies)
    if not networks or not is_trusted(address, networks):
        return address
    hops = [h.strip() for h in str(environ.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    for hop in reversed([h for h in hops if h]):
        address = hop
        if not is_trusted(hop, networks):
            break
    return address


def address_hash(address: str, salt: str) -> str:
    """A keyed hash: rate limiting works without storing the address. IPv6 clients usually
    own a whole /64, so it is counted as one address."""
    key = address
    try:
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            key = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    except ValueError:
        pass
    return hmac.new(salt.encode(), key.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


class Blocklist:
    """Words and domains, one per line (``#`` starts a comment), re-read when the file
    changes. A line with a dot and no spaces is a domain: it also matches its subdomains."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._patterns: list[tuple[str, re.Pattern[str]]] = []

    def _refresh(self) -> None:
        if self.path is None:
            return
        try:
            stat = self.path.stat()
        except OSError:
            self._stamp, self._patterns = None, []
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        patterns = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            entry = line.split("#", 1)[0].strip().casefold()
            if not entry:
                continue
            if "." in entry and " " not in entry:
                regex = rf"(?<![\w-]){re.escape(entry)}(?!\.?[\w-])"
            else:
                regex = rf"(?<!\w){re.escape(entry)}(?!\w)"
            patterns.append((entry, re.compile(regex)))
        self._stamp, self._patterns = stamp, patterns

    def matches(self, texts: Iterable[str]) -> list[str]:
        self._refresh()
        haystack = "\n".join(texts).casefold()
        return [entry for entry, pattern in self._patterns if pattern.search(haystack)]


def _scripts(word: str) -> set[str]:
    scripts = set()
    for char in word:
        if char.isalpha():
            scripts.add(unicodedata.name(char, "UNKNOWN").split(" ", 1)[0])
    return scripts


def mixed_script_name(name: str) -> bool:
    """A word mixing Latin, Cyrillic or Greek letters ("Аdmin" with a Cyrillic А): legitimate
    names almost never do, impersonation often does."""
    return any(len(_scripts(word) & _CONFUSABLE_SCRIPTS) > 1 for word in name.split())


def assess(fields: Fields, max_links: int, blocklist: Blocklist) -> tuple[list[str], list[str]]:
    """(spam reasons, moderator signals) for a valid submission; duplicates are found by
    ``queue.submit``."""
    reasons: list[str] = []
    signals: list[str] = []
    if fields.honeypot:
        reasons.append("honeypot field filled")
    links = count_links(fields.body)
    if links > max_links:
        reasons.append(f"too many links ({links}, at most {max_links})")
    if count_links(fields.name) or "://" in fields.name:
        reasons.append("link in the name")
    blocked = blocklist.matches([fields.name, fields.email, fields.website or "", fields.body])
    if blocked:
        reasons.append("blocklist: " + ", ".join(blocked))
    if mixed_script_name(fields.name):
        signals.append("name mixes scripts (possible look-alike of another name)")
    return reasons, signals
