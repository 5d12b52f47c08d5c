"""What a publication calls things: file-name-safe ids, the names of the feed files, public and
``webcal://`` addresses, the private folder of each subject, and the stable UIDs of events.

These names are promises to subscribers: a commune's feed keeps its address and an event its UID
from one publication to the next, or calendar clients show duplicates. Feeds, posters, private
addresses and the app all derive them from here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable
from urllib.parse import quote

from planner.publish.files import COORDINATOR_FEED

#: Namespace of every UID Tournée writes; never change it, or every subscriber sees new events.
UID_NAMESPACE = uuid.UUID("37ce3656-6d67-4124-b5c5-6a451fcb26ac")


def slug(text: str) -> str:
    """A file-name-safe form of an id (``"Bus n°1"`` → ``"bus-n1-…"``); distinct ids stay distinct."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-") or "x"
    if out != text:
        out += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return out


def commune_feed_name(insee: str) -> str:
    """File name of a commune's public feed inside ``public/``."""
    return f"commune-{slug(insee)}.ics"


def commune_page_name(insee: str) -> str:
    """File name of a commune's subscription page inside ``public/`` (what posters' QR codes open)."""
    return f"commune-{slug(insee)}.html"


def public_url(name: str, base_url: str | None) -> str:
    """Where a file of ``public/`` is found: ``base_url/name``, or the bare name without a base URL."""
    return f"{base_url.rstrip('/')}/{name}" if base_url else name


def webcal_url(url: str) -> str | None:
    """The ``webcal://`` form of a web address (calendar apps subscribe to it), None for another kind."""
    return re.sub(r"^https?://", "webcal://", url) if re.match(r"https?://", url) else None


def private_base_url(base_url: str | None) -> str | None:
    """The address of ``prive/`` when ``base_url`` is that of ``public/`` as documented
    (``https://example.org/medicobus/public`` → ``https://example.org/medicobus/prive``), else None."""
    if not base_url:
        return None
    head, _, last = base_url.rstrip("/").rpartition("/")
    return f"{head}/prive" if last == "public" and re.match(r"https?://[^/]", head) else None


def subscribe_links(feed_url: str, name: str) -> dict[str, str] | None:
    """One-tap subscription links to an online feed (``https://…``): ``webcal`` (phones, Apple
    Calendar, Thunderbird), ``google`` (Google Agenda) and ``outlook`` (Outlook.com); None when the
    feed has no web address (a subscription to a bare file name would lead nowhere)."""
    webcal = webcal_url(feed_url)
    if webcal is None:
        return None
    return {
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=":/"),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(feed_url, safe="")
        + "&name="
        + quote(name, safe=""),
    }


def event_uid(kind: str, *parts: str) -> str:
    """The stable UID of an event: ``uuid5`` of ``kind:part:part…`` in Tournée's namespace."""
    return str(uuid.uuid5(UID_NAMESPACE, ":".join((kind, *parts))))


#: Where a private subject's files go inside ``prive/``: a folder name per subject (``staff:ID``,
#: ``unit:ID``, ``coordination``). A publication gives each subject its secret token; previews and
#: downloads use `readable_private_folder`.
PrivateFolder = Callable[[str], str]


def readable_private_folder(subject: str) -> str:
    """``staff:d1`` → ``personnel-d1``, ``unit:bus`` → ``unite-bus``: folders of files never put online."""
    kind, _, ident = subject.partition(":")
    return {"staff": "personnel-", "unit": "unite-"}.get(kind, "") + slug(ident) if ident else slug(kind)


STAFF_FEED = "planning.ics"
#: A person's subscription page, beside their feed in their private folder.
SUBSCRIBE_PAGE = "abonnement.html"
UNIT_FEED = "tournees.ics"
COORDINATOR_FILE = f"{COORDINATOR_FEED}.ics"
