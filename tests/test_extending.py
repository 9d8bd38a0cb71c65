"""A new module and a third language are content only: no code changes."""
import yaml

from bot.app import make_tools
from bot.content_loader import load_content
from bot.engine import Engine, Event
from bot.store import MemoryStore


def _add_language(node, src="id", new="jv"):
    """Give every text mapping a `new` entry (here a copy marked as such)."""
    if isinstance(node, dict):
        if node and set(node) <= {"id", "en"} and all(isinstance(v, str) for v in node.values()) and src in node:
            node[new] = "[jv] " + node[src]
            return
        for v in node.values():
            _add_language(v, src, new)
    elif isinstance(node, list):
        for v in node:
            _add_language(v, src, new)


NEW_MODULE = {
    "id": "kapal",
    "intent": "kapal",
    "order": 40,
    "title": {"id": "Kerja di kapal", "en": "Work on ships"},
    "keywords": {"id": ["abk kapal ikan", "kerja di kapal ikan"], "en": ["fishing boat job"]},
    "sources": [{"seed": "001_71801b2b7a2500cc.txt"}],
    "start": "awal",
    "nodes": {
        "awal": {
            "text": {"id": "Kerja di kapal ikan: cek dulu perusahaannya.", "en": "Work on fishing boats: check the company first."},
            "buttons": [{"label": {"id": "Cek perekrut", "en": "Check a recruiter"}, "module": "recruiter"}],
        }
    },
}


def test_a_new_module_is_a_new_file(content_copy):
    (content_copy / "modules" / "kapal.yaml").write_text(yaml.safe_dump(NEW_MODULE, allow_unicode=True), encoding="utf-8")
    content = load_content(content_copy)
    store = MemoryStore()
    engine = Engine(content, store, tools=make_tools(content, store))
    menu = engine.handle("u", Event.cmd("menu"))
    assert "m:kapal" in [b.data for b in menu[0].all_buttons()]
    replies = engine.handle("u", Event.message("ada lowongan abk kapal ikan"))
    assert "Kerja di kapal ikan" in replies[0].text
    assert engine.parse_payload("kapal-en-desa_x") == ("kapal", "en", "desa_x")


def test_a_third_language_is_content(content_copy):
    for f in content_copy.rglob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if f.name == "settings.yaml":
            data["languages"].append("jv")
            data["language_names"]["jv"] = "Basa Jawa"
        else:
            _add_language(data)
        f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    content = load_content(content_copy)
    assert content.languages == ["id", "en", "jv"]
    store = MemoryStore()
    engine = Engine(content, store, tools=make_tools(content, store))
    picker = engine.handle("u", Event.cmd("bahasa"))
    assert "a:lang:jv" in [b.data for b in picker[0].all_buttons()]
    engine.handle("u", Event.button("a:lang:jv"))
    replies = engine.handle("u", Event.button("m:fake_offer"))
    assert replies[0].text.startswith("[jv] ")
    em = engine.handle("u", Event.message("tolong saya disekap"))
    assert "[jv] " in em[0].text


def test_an_intent_s_other_sense_is_content(content_copy):
    """An editor mends a reading without code: `unless` on an intent in intents.yaml. Before the
    edit "lagi di bandara nunggu kakak mendarat" gets the stop card for someone leaving; after
    it, the words of waiting for someone take the card away, and leaving still gets it."""
    said = "lagi di bandara nunggu kakak mendarat"

    def first_source(content, text):
        store = MemoryStore()
        return Engine(content, store, tools=make_tools(content, store)).handle("u", Event.message(text))[0].source

    assert first_source(load_content(content_copy), said) == "departing"
    path = content_copy / "intents.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["intents"]["departing"]["unless"]["id"].append("nunggu kakak mendarat")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    content = load_content(content_copy)
    assert first_source(content, said) != "departing"
    assert first_source(content, "lagi di bandara mau terbang ke kamboja") == "departing"
