"""Crafted bodies against every text path: `python -m bench.abuse`.

Each body is 5,000 characters (the longest comment accepted). For each, the CPU time of the
per-comment text work (markdown, language, spam) is compared with a genuine comment of the same
length; the target is at most 10 times. Hand-made worst cases (runs that made the old regexes
backtrack, markup that makes the markdown parser work per character, look-alike letters) come
first, then a seeded fuzzer's bodies over an alphabet of the characters every pattern cares about.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import time
from collections.abc import Callable

from moderation.language import LanguageDetector
from moderation.markdown import render_markdown
from moderation.spam import SpamContext, bundled, corpora

LENGTH = 5000
TARGET = 10.0


def _fill(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


CRAFTED: dict[str, str] = {
    "dots a.a.a.": _fill("a."),
    "underscores": "_" * LENGTH,
    "hyphens a-a-": _fill("a-"),
    "letters then @": "a" * (LENGTH - 1) + "@",
    "at signs a@a@": _fill("a@"),
    "handles @a.b": _fill("@a.b"),
    "anchors <a href": _fill("<a href "),
    "tags <<<": "<" * LENGTH,
    "brackets [[[": "[" * LENGTH,
    "link openers [a](": _fill("[a]("),
    "emphasis *a": _fill("*a"),
    "emphasis a_": _fill("a_"),
    "mixed *_": _fill("*_"),
    "images ![": _fill("!["),
    "entities &": "&" * LENGTH,
    "backslashes": "\\" * LENGTH,
    "backticks": "`" * LENGTH,
    "digits 1 1 1": _fill("1 "),
    "digits 1-1-1": _fill("1-"),
    "phones +1 555": _fill("+1 555 "),
    "money $1 ": _fill("$1 "),
    "one long word": "x" * LENGTH,
    "one long number": "1" * LENGTH,
    "scheme then letters": "http://" + "a" * (LENGTH - 7),
    "www.www.": _fill("www."),
    "many links": _fill("www.a-site.com/x "),
    "many domains": _fill("a.com b.net "),
    "messaging links": _fill("t.me/x "),
    "spaced addresses": _fill("site . com/x "),
    "spaced dots": _fill("a-a . /"),
    "capitals": _fill("SHOUT "),
    "repeats aaaa": _fill("aaaaa! "),
    "cyrillic": _fill("привет "),
    "disguised words": _fill("Пpивeт cлoвo "),
    "math letters": _fill("𝐁𝐮𝐲 "),
    "fullwidth": _fill("ＦＲＥＥ "),
    "invisible": "\u200b" * LENGTH,
    "zero-width splits": _fill("a\u200b"),
    "emoji": _fill("😀"),
    "accents": _fill("é"),
    "newlines": "\n" * LENGTH,
    "list items": _fill("- a\n"),
    "quotes": _fill("> "),
    "headings": _fill("# a\n"),
    "trigger words": _fill("whatsapp telegram earn invest my link here "),
}
# The fuzzer draws from what the patterns care about: separators, markup, digits, letters of
# several scripts, look-alikes, invisible characters.
ALPHABET = list("a.-_@/:[]()<>*`&\\!#~ 0123456789+$\n") + list("éñçпрᴀ𝐁\u200bА")


def fuzz(seed: int, count: int) -> dict[str, str]:
    """Bodies of random characters and random repeated fragments."""
    rng = random.Random(seed)
    bodies = {}
    for n in range(count):
        if n % 2:
            body = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
        else:
            unit = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 8)))
            body = _fill(unit)
        bodies[f"fuzz {n}"] = body
    return bodies


def genuine() -> str:
    """A genuine 5,000-character comment: our held-out readers' comments, one after another."""
    parts = [e.text for e in corpora.comments("test") if not e.spam]
    return " ".join(parts)[:LENGTH]


def cpu(fn: Callable[[], object], repeats: int) -> float:
    """The least CPU time of `repeats` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best * 1000


def main() -> None:
    """Print the slowest crafted and fuzzed bodies against a genuine one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fuzz", type=int, default=200, help="fuzzed bodies")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    detector = LanguageDetector(("en", "es", "pt"))
    model = bundled()
    context = SpamContext(article_language="es", article_topic="Presupuesto de salud 2026")
    paths: dict[str, Callable[[str], object]] = {
        "markdown": render_markdown,
        "language": lambda body: detector.detect(body, priors=("es",)),
        "spam": lambda body: model.score(body, context),
    }

    def measure(body: str) -> dict[str, float]:
        times = {name: cpu(functools.partial(fn, body), args.repeats) for name, fn in paths.items()}
        times["total"] = sum(times.values())
        return times

    reference = measure(genuine())
    crafted = {name: measure(body) for name, body in CRAFTED.items()}
    fuzzed = {name: measure(body) for name, body in fuzz(0, args.fuzz).items()}
    print("# Crafted bodies, 5,000 characters each (CPU ms, least of", args.repeats, "runs)\n")
    print("| body | markdown | language | spam | total | × genuine |")
    print("|---|---|---|---|---|---|")
    row = "| {} | {markdown:.2f} | {language:.2f} | {spam:.2f} | {total:.2f} | {ratio} |"
    print(row.format("**genuine comment**", ratio="1.0", **reference))
    ranked = sorted(crafted.items(), key=lambda item: -item[1]["total"])
    for name, times in ranked:
        print(row.format(name, ratio=f"{times['total'] / reference['total']:.1f}", **times))
    worst_fuzz = max(fuzzed.items(), key=lambda item: item[1]["total"])
    totals = [times["total"] for times in fuzzed.values()]
    print(
        f"\nFuzzer: {len(fuzzed)} bodies, median {statistics.median(totals):.2f} ms, slowest "
        f"{worst_fuzz[0]} {worst_fuzz[1]['total']:.2f} ms "
        f"({worst_fuzz[1]['total'] / reference['total']:.1f} × genuine)"
    )
    worst_name, worst = max([*crafted.items(), worst_fuzz], key=lambda item: item[1]["total"])
    ratio = worst["total"] / reference["total"]
    print(
        f"\nSlowest of all: {worst_name}, {worst['total']:.2f} ms = {ratio:.1f} × a genuine "
        f"comment of the same length (target <= {TARGET:.0f} ×): "
        f"{'met' if ratio <= TARGET else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
