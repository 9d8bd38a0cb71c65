"""Time per turn, per offer check, start-up and memory with 1, 10 and 100 times the content
(issue 12): growth should be no faster than linear.

    .venv/bin/python -m bench.content_scale_bench [FACTOR ...]      (default: 1 10 100)

The content is generated from the real content/ into a temporary BOT_CONTENT_DIR. For a factor
k, each module, each direct answer (content/answers.yaml), the examples of each module's intent
(content/examples.yaml) and each red flag and good sign of the offer checker (content/redflags.yaml,
except the computed ones) appear k times: the original, and k - 1 copies with new ids and new
words. A copy's matching words (keywords, the questions of an answer, the examples, the red
flags' keywords and the words inside their patterns) are enciphered letter by letter with a key
of its own (vowels to vowels, consonants to consonants, digits kept), so each copy is a new topic
with a vocabulary of its own of the same shape and size, and never a real word: a message that
the real content answers is answered the same way at every factor (the bench checks that).
Texts people read are copied as they are. The loader validates the generated content as it
does the real one (schema, cross-file rules, the tools' rules, the guards); only the 1 MB cap
per file is lifted, which 100 times answers.yaml (6 MB) or examples.yaml (12 MB) would exceed.

Each factor is measured in a fresh process: loading and checking the content and building the
engine (CPU and wall time), the peak resident memory, then the same mixed list of turns
(commands, buttons, 60 labelled free-text messages, a pasted ad) against an SQLite store
(median and p99 of the wall time, median CPU), and the offer check of 4,000-character ads.
Ratios are against 1x: linear growth would be 10 and 100; flat is 1.
"""
from __future__ import annotations

import csv
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOWELS = "aeiou"
CONSONANTS = "bcdfghjklmnpqrstvwxyz"
_LETTERS = re.compile(r"[a-z]+")


class Cipher:
    """One copy's key: a word of the real content becomes a word of no real content."""

    def __init__(self, copy: int, reserved: set[str]) -> None:
        rng = random.Random(copy)
        v, c = list(VOWELS), list(CONSONANTS)
        rng.shuffle(v)
        rng.shuffle(c)
        self.table = str.maketrans(VOWELS + CONSONANTS, "".join(v) + "".join(c))
        self.reserved = reserved
        self.memo: dict[str, str] = {}

    def word(self, w: str) -> str:
        got = self.memo.get(w)
        if got is None:
            got = w.translate(self.table)
            while got in self.reserved:  # a real word by chance ("di", "ga"): make it none
                got += "q"
            self.memo[w] = got
        return got

    def text(self, s: str) -> str:
        """Every run of ASCII letters enciphered (lowercased: matching ignores case)."""
        return _LETTERS.sub(lambda m: self.word(m.group()), s.lower())

    def pattern(self, p: str) -> str:
        """The literal letters of a regular expression enciphered; escapes (\\d, \\W), classes
        ([a-z]), group syntax ((?:, (?<!), repetitions ({1,3}) and flags kept as they are."""
        out: list[str] = []
        i, n = 0, len(p)
        while i < n:
            ch = p[i]
            if ch == "\\":
                out.append(p[i:i + 2])
                i += 2
            elif ch == "[":
                j = i + 1
                if j < n and p[j] == "^":
                    j += 1
                if j < n and p[j] == "]":
                    j += 1
                while j < n and p[j] != "]":
                    j += 2 if p[j] == "\\" else 1
                out.append(p[i:j + 1])
                i = j + 1
            elif ch == "(" and p.startswith("(?", i):
                m = re.match(r"\(\?(?:P<\w+>|<[=!]|[:=!]|[aiLmsux-]+\)|[aiLmsux-]+:)", p[i:])
                step = len(m.group()) if m else 2
                out.append(p[i:i + step])
                i += step
            elif ch == "{":
                j = p.find("}", i)
                out.append(p[i:j + 1] if j > 0 else ch)
                i = j + 1 if j > 0 else i + 1
            elif "a" <= ch <= "z":
                j = i
                while j < n and "a" <= p[j] <= "z":
                    j += 1
                out.append(self.word(p[i:j]))
                i = j
            else:
                out.append(ch)
                i += 1
        return "".join(out)


def _reserved_words(content_dir: Path) -> set[str]:
    """Every run of letters in the real content (and the matchers' stop words): no copy may
    produce one of them."""
    from bot.engine.answers import QUESTION_FILLER
    from bot.engine.text import STOPWORDS

    words: set[str] = set(STOPWORDS) | set(QUESTION_FILLER)
    for p in content_dir.rglob("*.yaml"):
        words.update(_LETTERS.findall(p.read_text(encoding="utf-8").lower()))
    return words


def _new_id(base: str, copy: int, taken: set[str]) -> str:
    """`base` with the copy's number, at most 24 characters (content ids), not taken yet."""
    suffix = f"_g{copy}"
    new = base[:24 - len(suffix)] + suffix
    while new in taken:
        new = "x" + new[2:]
    taken.add(new)
    return new


def _by_lang(mapping, fn):
    return {lang: [fn(x) if isinstance(x, str) else x for x in (items or [])] for lang, items in (mapping or {}).items()}


def generate(factor: int, out: Path, source: Path = ROOT / "content") -> dict[str, int]:
    """Write `factor` times the content of `source` into `out`; returns what was made."""
    import shutil

    import yaml

    class Dumper(yaml.SafeDumper):  # no anchors or aliases: content refuses them
        def ignore_aliases(self, data) -> bool:
            return True

    def load(rel: str):
        return yaml.safe_load((source / rel).read_text(encoding="utf-8"))

    def dump(rel: str, data) -> None:
        (out / rel).write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10_000),
                               encoding="utf-8")

    shutil.copytree(source, out, dirs_exist_ok=True)
    reserved = _reserved_words(source)
    ciphers = [Cipher(c, reserved) for c in range(1, factor)]
    made = {"modules": 0, "answers": 0, "examples": 0, "red flags": 0}

    modules = {p.name: load(f"modules/{p.name}") for p in sorted((source / "modules").glob("*.yaml"))}
    intent_of = {m["id"]: m["intent"] for m in modules.values()}
    taken: set[str] = set(intent_of)
    module_copy: dict[tuple[str, int], str] = {}
    intent_copy: dict[tuple[str, int], str] = {}
    for name, m in modules.items():
        made["modules"] += 1
        for c, ci in enumerate(ciphers, 1):
            copy = json.loads(json.dumps(m, default=str))
            copy["id"] = module_copy[m["id"], c] = _new_id(m["id"], c, taken)
            copy["intent"] = intent_copy[m["intent"], c] = copy["id"] if m["intent"] == m["id"] else f"{m['intent']}_g{c}"
            copy["order"] = int(m.get("order", 0)) + 1000 * c
            copy["keywords"] = _by_lang(m.get("keywords"), ci.text)
            copy["title"] = {lang: f"{t} {c}" for lang, t in m["title"].items()}
            dump(f"modules/{copy['id']}.yaml", copy)
            made["modules"] += 1

    answers = load("answers.yaml")
    taken_answers = set(answers["answers"])
    for aid, a in list(answers["answers"].items()):
        made["answers"] += 1
        for c, ci in enumerate(ciphers, 1):
            copy = json.loads(json.dumps(a, default=str))
            copy["questions"] = _by_lang(a.get("questions"), ci.text)
            if a.get("module") in intent_of:
                copy["module"] = module_copy[a["module"], c]
            answers["answers"][_new_id(aid, c, taken_answers)] = copy
            made["answers"] += 1
    dump("answers.yaml", answers)

    examples = load("examples.yaml")
    module_intents = set(intent_of.values())
    for intent, texts in list(examples["examples"].items()):
        if intent not in module_intents:
            continue
        made["examples"] += len(texts)
        for c, ci in enumerate(ciphers, 1):
            examples["examples"][intent_copy[intent, c]] = [ci.text(t) for t in texts]
            made["examples"] += len(texts)
    dump("examples.yaml", examples)

    flags = load("redflags.yaml")
    taken_flags = {s["id"] for key in ("flags", "positives") for s in flags[key]}
    for key in ("flags", "positives"):
        copies = []
        for s in flags[key]:
            made["red flags"] += 1
            if s.get("computed") or not (s.get("keywords") or s.get("patterns")):
                continue  # decided by code, or found through the places
            for c, ci in enumerate(ciphers, 1):
                copy = json.loads(json.dumps(s, default=str))
                copy["id"] = _new_id(s["id"], c, taken_flags)
                if s.get("keywords"):
                    copy["keywords"] = _by_lang(s["keywords"], ci.text)
                if s.get("patterns"):
                    copy["patterns"] = _by_lang(s["patterns"], ci.pattern)
                copies.append(copy)
        flags[key] += copies
        made["red flags"] += len(copies)
    dump("redflags.yaml", flags)
    return made


# -- the measured process ------------------------------------------------------------------------

def _messages() -> list[str]:
    with open(ROOT / "tests" / "data" / "intents.tsv", encoding="utf-8", newline="") as f:
        return [r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)][:60]


def _ads(n: int) -> list[str]:
    ads = [json.loads(x)["text"] for x in (ROOT / "tests/offers/offers.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    rng = random.Random(4)
    out = []
    for i in range(n):
        rng.shuffle(ads)
        out.append((f"[{i}] " + "\n\n".join(ads))[:4000])
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def measure(content_dir: str, rounds: int = 5, checks: int = 200) -> dict[str, float]:
    """In this (fresh) process: load, build, turns, offer checks, memory."""
    import resource

    from bot.content_loader import loader

    loader.MAX_FILE_BYTES = 1 << 30  # 100x answers.yaml is 6 MB; the real cap is 1 MB a file
    from bot.app import build_engine
    from bot.engine import Event
    from bot.offers.checker import OfferChecker
    from bot.offers.rules import load_rules
    from bot.store import SQLiteStore

    with tempfile.TemporaryDirectory() as tmp:
        c0, w0 = time.process_time(), time.perf_counter()
        engine = build_engine(content_dir, store=SQLiteStore(Path(tmp) / "bench.sqlite3"))
        load_cpu, load_wall = time.process_time() - c0, time.perf_counter() - w0
        engine.handle("bench:first", Event.message("halo"))  # the matchers are built on the first turn
        start_cpu, start_wall = time.process_time() - c0, time.perf_counter() - w0
        ads = _ads(checks + 20)
        events = [Event.start(), Event.cmd("menu"), Event.button("m:fake_offer"), Event.button("m:recruiter"),
                  Event.button("m:help"), Event.cmd("bantuan")]
        events += [Event.message(t) for t in _messages()]
        events += [Event.message(ads[0]), Event.button("a:lang:en"), Event.cmd("menu"), Event.button("a:lang:id")]
        sources: list[str] = []
        for ev in events:  # warm-up, and what answered each turn
            said = (ev.text or ev.data or ev.command or ev.kind)[:40]
            sources.append(said + " -> " + ",".join(r.source or "" for r in engine.handle("bench:warm", ev)))
        wall: list[float] = []
        cpu: list[float] = []
        for r in range(rounds):
            for ev in events:
                c, w = time.thread_time(), time.perf_counter()
                engine.handle(f"bench:{r}", ev)
                wall.append((time.perf_counter() - w) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
        rules, _langs, _problems = load_rules(content_dir)
        checker = OfferChecker(rules)
        for t in ads[-20:]:
            checker.check(t)
        check_ms = []
        for t in ads[:checks]:
            w = time.perf_counter()
            checker.check(t)
            check_ms.append((time.perf_counter() - w) * 1000)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        engine.store.close()
    return {
        "load_cpu_s": load_cpu, "load_wall_s": load_wall, "start_cpu_s": start_cpu, "start_wall_s": start_wall,
        "rss_mb": rss / 1024,
        "turn_median_ms": statistics.median(wall), "turn_p99_ms": pct(wall, 99), "turn_cpu_median_ms": statistics.median(cpu),
        "check_median_ms": statistics.median(check_ms), "check_p99_ms": pct(check_ms, 99), "turns": len(wall),
        "sources": sources,
    }


def run(factor: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "content"
        t0 = time.perf_counter()
        made = generate(factor, out)
        size = sum(p.stat().st_size for p in out.rglob("*.yaml"))
        gen_s = time.perf_counter() - t0
        proc = subprocess.run([sys.executable, "-m", "bench.content_scale_bench", "--measure", str(out)],
                              cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{factor}x: the generated content did not load:\n{proc.stderr[-3000:]}")
        res = json.loads(proc.stdout.splitlines()[-1])
    res.update(made=made, size_mb=size / 1e6, generate_s=gen_s)
    return res


def main(factors: tuple[int, ...] = (1, 10, 100)) -> dict[int, dict]:
    results = {f: run(f) for f in factors}
    base = results[factors[0]]
    rows = [
        ("load and check the content, build the engine (CPU s)", "load_cpu_s", "{:.2f}"),
        ("start-up to the first answer (CPU s)", "start_cpu_s", "{:.2f}"),
        ("start-up to the first answer (wall s)", "start_wall_s", "{:.2f}"),
        ("peak resident memory (MB)", "rss_mb", "{:.0f}"),
        ("turn, median (ms)", "turn_median_ms", "{:.2f}"),
        ("turn, p99 (ms)", "turn_p99_ms", "{:.2f}"),
        ("turn, median CPU (ms)", "turn_cpu_median_ms", "{:.2f}"),
        ("offer check, 4,000 characters, median (ms)", "check_median_ms", "{:.2f}"),
        ("offer check, p99 (ms)", "check_p99_ms", "{:.2f}"),
    ]
    print("content scale: " + ", ".join(
        f"{f}x = {r['made']['modules']} modules, {r['made']['answers']} answers, {r['made']['examples']} module examples, "
        f"{r['made']['red flags']} red flags and good signs ({r['size_mb']:.1f} MB of YAML)" for f, r in results.items()))
    print(f"{'':50}" + "".join(f"{str(f) + 'x':>12}" for f in factors) + "".join(f"{'ratio ' + str(f) + 'x':>12}" for f in factors[1:]))
    for label, key, fmt in rows:
        cells = "".join(f"{fmt.format(results[f][key]):>12}" for f in factors)
        ratios = "".join(f"{results[f][key] / base[key]:>12.2f}" if base[key] else f"{'':>12}" for f in factors[1:])
        print(f"{label:50}{cells}{ratios}")
    for f in factors[1:]:
        same = sum(a == b for a, b in zip(base["sources"], results[f]["sources"]))
        print(f"{f}x: {same} of {len(base['sources'])} turns answered by the same source as at {factors[0]}x")
        for a, b in zip(base["sources"], results[f]["sources"]):
            if a != b:
                print(f"  {a}  |  at {f}x: {b.split(' -> ', 1)[1]}")
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(tuple(int(a) for a in sys.argv[1:]) or (1, 10, 100))
