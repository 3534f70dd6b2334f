"""Where a link or address points, and what that says: a link is evidence only by its destination.

Readers cite laws, data portals, Wikipedia and videos; spam sends them to shorteners, messaging
apps and throwaway shops. The defaults below are deliberately small and documented (docs/spam.md);
a site adds its own reference domains (`TERTULIA_SPAM_REFERENCE_DOMAINS`), and learns a reputation
per domain from its moderators' Approve and Spam decisions.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field


class Destination(enum.StrEnum):
    """What kind of place a link points to."""

    REFERENCE = "reference"  # government, gazettes, universities, Wikipedia, the site itself
    VIDEO = "video"  # video sites
    SOCIAL = "social"  # social networks: readers cite what a minister posted
    LEARNED_GENUINE = "learned_genuine"  # approved on this site, never marked spam
    UNKNOWN = "unknown"  # nothing known either way
    COMMERCIAL = "commercial"  # a top-level domain that shops and landing pages favour
    SHORTENER = "shortener"  # hides where it leads
    MESSAGING = "messaging"  # a chat: the conversation moves where nobody moderates it
    LEARNED_SPAM = "learned_spam"  # marked spam on this site more often than approved


# Second-level labels that official and academic sites use under a country code: gob.mx,
# gov.br, gub.uy, gov.py, jus.br, leg.br, edu.ar, ac.uk.
OFFICIAL_SECOND_LEVEL = frozenset(
    {"gob", "gov", "gub", "gouv", "govt", "jus", "leg", "mp", "edu", "ac", "mil"}
)
OFFICIAL_TLDS = frozenset({"gov", "edu", "mil", "int"})
REFERENCE_DOMAINS = frozenset(
    {
        # encyclopaedias, archives, science
        "wikipedia.org", "wikimedia.org", "wikidata.org", "wikisource.org", "archive.org",
        "doi.org", "arxiv.org", "scielo.org", "scielo.br", "ourworldindata.org",
        # international organisations
        "un.org", "who.int", "oas.org", "iadb.org", "worldbank.org", "imf.org", "oecd.org",
        "cepal.org", "europa.eu", "transparency.org", "opengovpartnership.org",
        # official gazettes and parliaments outside gov/gob domains
        "boe.es", "congreso.es", "senado.es", "dre.pt", "parlamento.pt", "diariodarepublica.pt",
        "camara.leg.br", "senado.leg.br", "bcn.cl", "leychile.cl", "infoleg.gob.ar",
        "legislation.gov.uk", "congress.gov", "bacn.gov.py",
    }
)  # fmt: skip
# Video: a clip of the session or a timestamp in a speech is as often genuine as not. Reference
# for the spam folder; a kind of its own for the text model, which learns how much it weighs.
VIDEO = frozenset({"youtube.com", "youtu.be", "vimeo.com", "dailymotion.com"})
# Social networks: a post of a minister or an agency is what readers quote; profiles promoted
# by spam are caught by what the comment asks ("follow me", "DM me"), not by the network.
SOCIAL = frozenset(
    {
        "twitter.com", "x.com", "facebook.com", "fb.com", "instagram.com", "tiktok.com",
        "reddit.com", "redd.it", "linkedin.com", "threads.net", "bsky.app", "mastodon.social",
    }
)  # fmt: skip
SHORTENERS = frozenset(
    {
        "bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly",
        "cutt.ly", "cutt.us", "rebrand.ly", "shorturl.at", "tiny.cc", "tiny.one", "rb.gy", "s.id",
        "t.ly", "lnkd.in", "shorte.st", "adf.ly", "v.gd", "tr.im", "urlz.fr", "clck.ru", "u.to",
        "surl.li", "shrtco.de", "bit.do", "t2m.io", "bl.ink", "page.link", "linktr.ee",
        "lanza.me", "qps.ru", "short.io", "shorturl.asia", "x.gd",
    }
)  # fmt: skip
MESSAGING = frozenset(
    {
        "t.me", "telegram.me", "telegram.dog", "telegram.org", "wa.me", "whatsapp.com",
        "api.whatsapp.com", "chat.whatsapp.com", "m.me", "discord.gg", "signal.me", "line.me",
        "viber.com", "wechat.com", "snapchat.com",
    }
)  # fmt: skip
COMMERCIAL_TLDS = frozenset(
    {
        "shop", "store", "online", "site", "xyz", "top", "click", "buzz", "icu", "vip", "win",
        "bid", "loan", "work", "money", "cash", "ltd", "llc", "trade", "market", "finance", "fun",
        "club", "live", "link", "biz", "info", "cam", "rest", "bar", "monster", "cfd", "sbs",
    }
)  # fmt: skip

# A domain counts as learned once the site has decided this many comments linking to it.
LEARNED_MIN_DECISIONS = 2


@dataclass(frozen=True, slots=True)
class Reputation:
    """How a site's moderators decided comments that link to one domain."""

    genuine: int = 0
    spam: int = 0


@dataclass(frozen=True)
class Destinations:
    """Judges hosts: the defaults, the site's own reference domains, and what the site learned."""

    site_domains: frozenset[str] = frozenset()
    learned: Mapping[str, Reputation] = field(default_factory=dict)

    def judge(self, host: str) -> Destination:
        """The kind of destination `host` (lower case, without www) is."""
        labels = host.split(".")
        for domain in _parents(labels):
            if domain in MESSAGING:
                return Destination.MESSAGING
            if domain in SHORTENERS:
                return Destination.SHORTENER
            if domain in VIDEO:
                return Destination.VIDEO
            if domain in SOCIAL:
                return Destination.SOCIAL
            if domain in REFERENCE_DOMAINS or domain in self.site_domains:
                return Destination.REFERENCE
        if labels[-1] in OFFICIAL_TLDS or (
            len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in OFFICIAL_SECOND_LEVEL
        ):
            return Destination.REFERENCE
        for domain in _parents(labels):
            reputation = self.learned.get(domain)
            if reputation is None or reputation.genuine + reputation.spam < LEARNED_MIN_DECISIONS:
                continue
            if reputation.spam > reputation.genuine:
                return Destination.LEARNED_SPAM
            if reputation.spam == 0:
                return Destination.LEARNED_GENUINE
        if labels[-1] in COMMERCIAL_TLDS:
            return Destination.COMMERCIAL
        return Destination.UNKNOWN

    def with_site(self, domains: Iterable[str]) -> Destinations:
        """The same judge with more of the site's own domains."""
        extra = frozenset(normalise_domain(d) for d in domains if d)
        if extra <= self.site_domains:
            return self
        return Destinations(self.site_domains | extra, self.learned)


# Platforms where every address is a listing to buy, a campaign to fund or a creator's page to
# follow: shops and print-on-demand stores, crowdfunding and tipping, streaming and
# self-publishing. Readers cite newspapers, reports and posts; a comment that is little more than
# a link to one of these asks readers to spend, give or follow (`is_a_place`). Not evidence by
# itself: a longer comment linking to one is judged as any unknown link.
STOREFRONTS = frozenset(
    {
        # shops and print on demand
        "ebay.com", "ebay.co.uk", "ebay.es", "etsy.com", "aliexpress.com", "teespring.com",
        "sunfrogshirts.com", "redbubble.com", "spreadshirt.com", "mercadolivre.com.br",
        "mercadolibre.com", "mercadolibre.com.mx", "mercadolibre.com.ar",
        # crowdfunding and tips
        "gofundme.com", "indiegogo.com", "kickstarter.com", "patreon.com", "ko-fi.com",
        "buymeacoffee.com", "vakinha.com.br", "kickante.com.br", "catarse.me", "vaki.co",
        "verkami.com", "goteo.org",
        # streaming, music and self-publishing
        "twitch.tv", "soundcloud.com", "bandcamp.com", "reverbnation.com", "audiomack.com",
        "mixcloud.com", "wattpad.com", "onlyfans.com",
    }
)  # fmt: skip

# Link services that pay whoever posts a link for each click: pay-per-click shorteners and
# "link lockers" that show ads before the destination. A reader citing a source gains nothing
# from one; a spammer is paid per visitor (`pays_its_poster`).
PAID_LINKS = frozenset(
    {
        "adf.ly", "adfly.com", "j.gs", "q.gs", "shorte.st", "sh.st", "linkbucks.com", "shhort.com",
        "ouo.io", "ouo.press", "bc.vc", "adfoc.us", "linkvertise.com", "exe.io", "shrinkme.io",
        "shrinkearn.com", "binbox.io", "clk.sh", "fc.lc", "za.gl", "gplinks.in", "cpmlink.net",
        # ad networks' click addresses: each visit is charged to an advertiser
        "googleadservices.com", "doubleclick.net",
    }
)  # fmt: skip
# A referral or affiliate code in an address: a path segment naming one ("/ref/<code>",
# "/refer/<code>") or a query key that only referral and affiliate programmes use. "?ref=" alone
# is a code only on a front page ("site.com/?ref=4604617"): newspapers mark where a reader came
# from with it on article addresses ("?ref=hp").
_REFERRAL_SEGMENT = re.compile(r"(?:^|/)(?:ref|refer|referral|referrals|affiliates?|aff)/[^/]")
_REFERRAL_KEY = re.compile(
    r"(?:^|&)(?:affiliate_?id|aff_?id|affid|aff|affiliate|referral|referral_?code|ref_?code|"
    r"ref_?id|referrer_?id|invite_?code)=[^&]",
    re.IGNORECASE,
)
_FRONT_PAGE_REFERRAL = re.compile(r"(?:ref|r)=[^&]", re.IGNORECASE)


# Torrent indexes and streaming sites for pirated films, series, music and software, named by the
# label before their TLD: they move from one TLD to the next ("thepiratebay.se", ".org", ".sx").
# A reader citing a source does not send others to a pirated copy, and a site that publishes
# the link answers for it.
PIRACY_LABELS = frozenset(
    {
        "thepiratebay", "piratebay", "1337x", "rarbg", "yts", "kickasstorrents", "katcr",
        "torrentz2", "limetorrents", "torrentgalaxy", "nyaa", "eztv", "torlock", "magnetdl",
        "zooqle", "123movies", "fmovies", "putlocker", "gomovies", "soap2day", "solarmovie",
        "yesmovies", "primewire", "cuevana", "pelisplus", "repelis", "megafilmeshd",
    }
)  # fmt: skip


def is_piracy(host: str, path: str) -> bool:
    """Whether a link (host, address after the host) leads to a pirated copy: a torrent index
    or pirate streaming site (`PIRACY_LABELS`), or a .torrent file."""
    labels = host.split(".")
    if any(label in PIRACY_LABELS for label in labels[:-1]):
        return True
    return path.split("?", 1)[0].lower().endswith(".torrent")


def pays_its_poster(domain: str, path: str) -> bool:
    """Whether a link (registered domain, address after the host) pays whoever posted it.

    A pay-per-click link service (`PAID_LINKS`), or an address carrying a referral or
    affiliate code: a reader citing something gains nothing by the click; the poster does.
    """
    if domain in PAID_LINKS:
        return True
    address, _, query = path.split("#", 1)[0].partition("?")
    if _REFERRAL_SEGMENT.search(address.lower()) or _REFERRAL_KEY.search(query):
        return True
    return bool(query) and not address.strip("/") and bool(_FRONT_PAGE_REFERRAL.match(query))


# Where a link leads when it is not to something to read or watch: a site's front page, a
# listing or a creator's page on a storefront platform, or a profile, page or channel on a social
# or video site. A citation names an article, a post, a
# video or a file; "only a link to a front page" is how sites, shops and channels are advertised.
_FRONT_PAGE = re.compile(r"(?:(?:index|default|home)(?:\.\w{2,5})?)?")
_PROFILE = re.compile(
    r"(?:@[^/]+|(?:user|channel|c|pages|people|groups)/[^/]+(?:/\d+)?|profile\.php|[^/.]+)"
)
_CHANNEL = re.compile(r"(?:@[^/]+|(?:user|channel|c)/[^/]+)(?:/(?:videos|featured|about))?")
# A member's page on any site: "site.com/user/<name>", "/u/<name>", "/@<name>", "/perfil/<name>".
_MEMBER = re.compile(
    r"(?:@[^/]+|(?:users?|u|members?|accounts?|profiles?|perfil|perfiles|usuarios?)/[^/]+)"
)
# First address segments on social sites that are a post or a feature, not a profile.
_NOT_PROFILE = re.compile(
    r"watch|status(?:es)?|posts?|p|reels?|shorts|hashtag|search|explore|share|sharer|embed|"
    r"live|events|stor(?:y|ies)"
)


def is_a_place(destination: Destination, path: str, domain: str = "") -> bool:
    """Whether a link (its address after the host) leads to a place rather than a document.

    A place is a site's front page, any address on a storefront platform (`domain`, registered,
    in `STOREFRONTS`), a member's page on any site, or a profile, page or channel on a social or
    video site. Any other deeper address (an article, a post, a video, a file) is something to
    read or watch.
    """
    path = path.split("#", 1)[0].split("?", 1)[0].strip("/").lower()
    if _FRONT_PAGE.fullmatch(path):
        return True
    if destination in (Destination.UNKNOWN, Destination.COMMERCIAL) and (
        domain in STOREFRONTS or _MEMBER.fullmatch(path)
    ):
        return True
    if destination is Destination.VIDEO:
        return bool(_CHANNEL.fullmatch(path))
    if destination is Destination.SOCIAL:
        return bool(_PROFILE.fullmatch(path)) and not _NOT_PROFILE.fullmatch(path)
    return False


def _parents(labels: list[str]) -> Iterator[str]:
    """ "a.b.gob.mx" -> "a.b.gob.mx", "b.gob.mx", "gob.mx" (never the bare TLD)."""
    for start in range(len(labels) - 1):
        yield ".".join(labels[start:])


def normalise_domain(domain: str) -> str:
    """ "https://WWW.Example.org/path" -> "example.org"."""
    domain = domain.strip().lower()
    domain = domain.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return domain.removeprefix("www.").strip(".")


def registered_domain(host: str) -> str:
    """The part of a host a site would register: "news.example.co.uk" -> "example.co.uk".

    Reputation is learned per registered domain, so every subdomain of a spam shop shares it.
    """
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])
