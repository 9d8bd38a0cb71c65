"""The engine as a person meets it: modules walked through in both languages, emergency from
every state, restart, deep links, stale buttons, odd input, deleting one's data."""
import random
import string

import pytest

from bot.app import make_tools
from bot.engine import Engine, Event
from bot.engine.contacts import ContactBook
from bot.store import MemoryStore, SQLiteStore

LANGS = ["id", "en"]
EMERGENCY_TEXT = {"id": "tolong saya disekap dan paspor ditahan", "en": "help me, I am trapped and they took my passport"}


def new_engine(content, store=None):
    store = store or MemoryStore()
    return Engine(content, store, tools=make_tools(content, store))


def all_text(replies):
    return "\n".join(r.text for r in replies)


def buttons(replies):
    return [b for r in replies for b in r.all_buttons()]


def on_topic(content, replies, mid):
    """Did a screen of module `mid`, or a direct answer that belongs to it, answer?"""
    for r in replies:
        kind, _, rest = r.source.partition(":")
        if kind == "node" and rest.split(":")[0] == mid:
            return True
        if kind == "answer" and content.answers[rest]["module"] == mid:
            return True
        if kind == "tool" and mid in ("fake_offer", "recruiter"):
            return True
    return False


def snippet(content, text, lang):
    """A recognisable piece of a content text (its first line, up to 40 characters)."""
    return content.t(text, lang).strip().splitlines()[0][:40]


def paths_to_nodes(content, mid):
    """Shortest button path (list of (node, button index)) from the module start to every node."""
    module = content.modules[mid]
    paths = {module["start"]: []}
    todo = [module["start"]]
    while todo:
        nid = todo.pop(0)
        node = module["nodes"][nid]
        steps = []
        for i, b in enumerate(node.get("buttons", [])):
            if "goto" in b:
                steps.append((b["goto"], (nid, str(i))))
        if "quiz" in node:
            right = next(i for i, o in enumerate(node["quiz"]["options"]) if o.get("correct"))
            steps.append((node["next"], (nid, str(right))))
        if node.get("choose_country"):
            steps.append((node["next"], (nid, "cKH")))
        for target, step in steps:
            if target not in paths:
                paths[target] = paths[nid] + [step]
                todo.append(target)
    return paths


def go(engine, user, content, mid, path, lang):
    engine.handle(user, Event.button(f"a:lang:{lang}"))
    replies = engine.handle(user, Event.button(f"a:lesson:{mid}"))  # the lesson (the menu may open a tool first)
    for nid, idx in path:
        data = f"b:{mid}:{nid}:{idx}"
        assert any(b.data == data for b in buttons(replies)), (data, [b.data for b in buttons(replies)])
        replies = engine.handle(user, Event.button(data))
    return replies


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mid", ["fake_offer", "recruiter", "help"])
def test_walk_every_node_of_every_module(content, lang, mid):
    assert mid in content.modules
    paths = paths_to_nodes(content, mid)
    assert set(paths) == set(content.modules[mid]["nodes"]), "every node is reachable by buttons"
    other = [l for l in LANGS if l != lang][0]
    for nid, path in paths.items():
        engine = new_engine(content)
        replies = go(engine, "u", content, mid, path, lang)
        node = content.modules[mid]["nodes"][nid]
        shown = all_text(replies)
        key = node["quiz"]["question"] if "quiz" in node else node["text"]
        assert snippet(content, key, lang) in shown, (mid, nid, lang)
        if content.t(key, lang) != content.t(key, other):
            assert snippet(content, key, other) not in shown
        assert replies[-1].buttons, f"{mid}/{nid} leaves the person without a button"
        for r in replies:
            assert len(r.text) <= 4096


def test_the_menu_opens_a_topic_with_its_tool_and_the_lesson_one_tap_away(content):
    """"Cek perekrut" in the menu starts the guided check (recruiter.yaml `opens_with`); its first
    screen has a button to the lesson; a shared link opens its topic the same way."""
    engine = new_engine(content)
    replies = engine.handle("m", Event.button("m:recruiter"))
    assert replies[0].source == "tool:recruiter_check"
    lesson = [b for b in buttons(replies) if b.data == "a:lesson:recruiter"]
    assert lesson and "Pelajari" in lesson[0].label
    replies = engine.handle("m", Event.button(lesson[0].data))
    assert replies[0].source == "node:recruiter:intro"
    assert engine.handle("m", Event.message("iya"))[0].source != "tool:recruiter_check"  # the check was left
    replies = new_engine(content).handle("d", Event.start("recruiter"))
    assert replies[-1].source == "tool:recruiter_check"
    assert any(b.data == "a:lesson:recruiter" for b in buttons(replies))
    assert new_engine(content).handle("f", Event.button("m:fake_offer"))[0].source.startswith("node:fake_offer")


@pytest.mark.parametrize("lang", LANGS)
def test_quiz_feedback_right_and_wrong(content, lang):
    for mid, module in content.modules.items():
        paths = paths_to_nodes(content, mid)
        for nid, node in module["nodes"].items():
            if "quiz" not in node:
                continue
            for i, opt in enumerate(node["quiz"]["options"]):
                engine = new_engine(content)
                go(engine, "q", content, mid, paths[nid], lang)
                replies = engine.handle("q", Event.button(f"b:{mid}:{nid}:{i}"))
                assert snippet(content, opt["feedback"], lang) in replies[0].text
                nxt = content.modules[mid]["nodes"][node["next"]]
                assert snippet(content, nxt["quiz"]["question"] if "quiz" in nxt else nxt["text"], lang) in all_text(replies[1:])


def test_a_module_ends_with_a_quiz_score(content):
    for mid, module in content.modules.items():
        paths = paths_to_nodes(content, mid)
        quiz_nodes = [n for n, node in module["nodes"].items() if "quiz" in node]
        assert quiz_nodes, f"module {mid} has a quiz"
        last = max(quiz_nodes, key=lambda n: len(paths[n]))
        engine = new_engine(content)
        go(engine, "s", content, mid, paths[last], "en")
        right = next(i for i, o in enumerate(module["nodes"][last]["quiz"]["options"]) if o.get("correct"))
        replies = engine.handle("s", Event.button(f"b:{mid}:{last}:{right}"))
        assert "Quiz score" in replies[0].text


def _states(content):
    """(description, list of events) that put a user in every state we know."""
    out = [("new user", []), ("menu", [Event.cmd("menu")]), ("language picker", [Event.cmd("bahasa")]),
           ("delete pending", [Event.cmd("hapus")]), ("about", [Event.cmd("tentang")])]
    for mid in content.modules:
        for nid, path in paths_to_nodes(content, mid).items():
            evs = [Event.button(f"m:{mid}")] + [Event.button(f"b:{mid}:{n}:{i}") for n, i in path]
            out.append((f"{mid}/{nid}", evs))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_reaches_help_from_every_state(content, lang):
    hotline = content.contacts["kemlu_pwni"]["lines"][0]["value"]
    for desc, events in _states(content):
        engine = new_engine(content)
        engine.handle("e", Event.button(f"a:lang:{lang}"))
        for ev in events:
            engine.handle("e", ev)
        replies = engine.handle("e", Event.message(EMERGENCY_TEXT[lang]))
        text = replies[0].text
        assert replies[0].source == "emergency", desc
        # abroad or not known: the Kemlu hotline; someone who said they are in Indonesia: 110
        assert hotline in text or ("110" in text and "0800-1000" in text), desc
        assert len(text) <= 600, desc  # one phone screen


def test_emergency_with_a_country_adds_that_embassy(content):
    engine = new_engine(content)
    replies = engine.handle("k", Event.message("anak saya disekap di kamboja, tolong"))
    kh = content.countries["KH"]
    assert kh["missions"], "Cambodia has a verified mission number"
    number = content.contacts[kh["missions"][0]]["lines"][0]["value"]
    assert number in replies[0].text


def at_country_question(content, lang, user="c"):
    """An engine whose user stands at the help module's "which country?" question."""
    engine = new_engine(content)
    mid = "help"
    chooser = next(n for n, node in content.modules[mid]["nodes"].items() if node.get("choose_country"))
    go(engine, user, content, mid, paths_to_nodes(content, mid)[chooser], lang)
    return engine, mid, chooser


def test_country_choice_shows_missions_with_source_and_date(content):
    engine, mid, chooser = at_country_question(content, "id")
    replies = engine.handle("c", Event.button(f"b:{mid}:{chooser}:cPH"))
    mission = content.contacts[content.countries["PH"]["missions"][0]]
    text = all_text(replies)
    assert mission["lines"][0]["value"] in text
    # where the number comes from and its month, in plain words (no editor's "dikonfirmasi")
    assert "Nomor dari halaman resmi (kemlu.go.id), Januari 2020." in text
    assert ContactBook(content).provenance(content.countries["PH"]["missions"][0], "id") in text
    assert "dikonfirmasi" not in text


def test_country_without_verified_mission_says_so_and_gives_kemlu(content):
    empty = [c for c, v in content.countries.items() if not v["missions"]]
    assert empty, "some country has no verified mission number"
    for code in empty:
        engine, mid, chooser = at_country_question(content, "en")
        text = all_text(engine.handle("c", Event.button(f"b:{mid}:{chooser}:c{code}")))
        note = content.countries[code].get("note")
        if note:
            assert snippet(content, note, "en") in text
        else:
            assert "no verified number" in text
        assert "verified" in text.lower()
        assert content.contacts["kemlu_pwni"]["lines"][0]["value"] in text


def test_typed_country_name_at_the_country_question(content):
    engine, _, _ = at_country_question(content, "id")
    text = all_text(engine.handle("c", Event.message("malaysa")))
    assert content.contacts["kbri_kuala_lumpur"]["lines"][0]["value"] in text


def test_free_text_opens_the_right_module(content):
    engine = new_engine(content)
    for text, mid in [("gmn cek agen resmi", "recruiter"), ("loker kamboja gaji 15jt aman ga?", "fake_offer")]:
        replies = engine.handle("f", Event.message(text))
        assert on_topic(content, replies, mid), (text, [r.source for r in replies])
    text = all_text(engine.handle("f", Event.message("nomor kbri malaysia")))
    assert content.contacts["kbri_kuala_lumpur"]["lines"][0]["value"] in text


def test_language_switch_by_text_and_button(content):
    engine = new_engine(content)
    engine.handle("l", Event.start())
    r = engine.handle("l", Event.message("in english please"))
    assert "Main menu" in r[0].text
    r = engine.handle("l", Event.message("bahasa indonesia aja"))
    assert "Menu utama" in r[0].text
    r = engine.handle("l", Event.button("a:lang:en"))
    assert "Main menu" in r[0].text


def test_new_user_language_from_hint(content):
    engine = new_engine(content)
    assert "Main menu" in all_text(engine.handle("a", Event.start(lang_hint="en-GB")))
    assert "Menu utama" in all_text(engine.handle("b", Event.start(lang_hint="ms")))
    assert "Menu utama" in all_text(engine.handle("c", Event.start(lang_hint=None)))


def test_restart_keeps_state(content, tmp_path):
    db = tmp_path / "bot.sqlite3"
    mid = "help"
    paths = paths_to_nodes(content, mid)
    deep = max(paths, key=lambda n: len(paths[n]))
    first = new_engine(content, SQLiteStore(db))
    replies = go(first, "tg:1", content, mid, paths[deep], "en")
    first.store.close()
    second = new_engine(content, SQLiteStore(db))
    data = buttons(replies)[0].data
    after = second.handle("tg:1", Event.button(data))
    assert "earlier message" not in after[0].text
    assert "Main menu" not in after[0].text or data == "a:menu"
    resumed = second.resume("tg:1")
    assert "Welcome back" in resumed[0].text


@pytest.mark.parametrize(
    "payload,module,lang,ref",
    [
        ("fake_offer", "fake_offer", None, None),
        ("recruiter-en", "recruiter", "en", None),
        ("help-id-desa_sukamaju", "help", "id", "desa_sukamaju"),
        ("help-poster_12", "help", None, "poster_12"),
        ("menu-en-ngo_x", None, "en", "ngo_x"),
        ("nothing_here", None, None, None),
        ("fake_offer-en-a-b", "fake_offer", "en", None),
        ("x" * 65, None, None, None),
        ("help;drop", None, None, None),
        ("", None, None, None),
    ],
)
def test_deep_link_payloads(content, payload, module, lang, ref):
    assert new_engine(content).parse_payload(payload) == (module, lang, ref)


def test_deep_link_opens_module_in_language_and_counts_referral(content):
    store = MemoryStore()
    engine = new_engine(content, store)
    replies = engine.handle("d", Event.start("fake_offer-en-desa_sukamaju"))
    start = content.modules["fake_offer"]["nodes"][content.modules["fake_offer"]["start"]]
    assert snippet(content, start["text"], "en") in all_text(replies)
    # the recruiter link starts its guided check, in English, as the menu's topic does
    assert "tool:recruiter_check" in [r.source for r in new_engine(content).handle("e", Event.start("recruiter-en"))]
    assert ("referral", "desa_sukamaju", 1) in [(k, l, n) for _, k, l, n in store.counters()]
    bad = engine.handle("d2", Event.start("!!bad payload!!"))
    assert "Menu utama" in all_text(bad)


def test_stale_and_forged_buttons_get_a_kind_reply(content):
    engine = new_engine(content)
    mid = "fake_offer"
    paths = paths_to_nodes(content, mid)
    quiz = next(n for n, node in content.modules[mid]["nodes"].items() if "quiz" in node)
    go(engine, "s", content, mid, paths[quiz], "en")
    engine.handle("s", Event.button(f"b:{mid}:{quiz}:0"))  # answered: the quiz moved on
    again = engine.handle("s", Event.button(f"b:{mid}:{quiz}:0"))
    assert "earlier message" in again[0].text and again[-1].buttons
    for data in ["", "zzz", "b:x:y:z", "b:fake_offer:nope:0", "m:nope", "a:del:yes", "t:nope:1", "b:" + "9" * 60, "a:lang:xx", "b:help:start:99"]:
        r = engine.handle("s", Event.button(data))
        assert r and r[0].text and r[-1].buttons, data


def test_other_kinds_of_message_are_answered(content):
    engine = new_engine(content)
    for what in ["sticker", "voice", "photo", "video", "location", "contact", "document"]:
        r = engine.handle("o", Event.other(what))
        assert "text" in r[0].text.lower() or "teks" in r[0].text.lower()
        assert r[-1].buttons
    r = engine.handle("o", Event.message("🙏🙏😭"))
    assert r[0].text and r[-1].buttons


def test_never_silent_on_random_input(content):
    rng = random.Random(7)
    engine = new_engine(content)
    alphabet = string.printable + "éàüñ你好😀🙏\u200b\u0000"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        r = engine.handle("r", Event.message(text))
        assert r and all(x.text for x in r)


def test_delete_everything_after_confirmation(content, tmp_path):
    store = SQLiteStore(tmp_path / "bot.sqlite3")
    engine = new_engine(content, store)
    engine.handle("tg:9", Event.button("a:lang:en"))
    engine.handle("tg:9", Event.button("m:help"))
    assert store.load_session("tg:9") is not None
    ask = engine.handle("tg:9", Event.cmd("hapus"))
    assert [b.data for b in buttons(ask)] == ["a:del:yes", "a:del:no"]
    assert store.load_session("tg:9") is not None
    done = engine.handle("tg:9", Event.button("a:del:yes"))
    assert "deleted" in done[0].text
    assert store.load_session("tg:9") is None
    # a second press of the old confirmation button deletes nothing and explains
    again = engine.handle("tg:9", Event.button("a:del:yes"))
    assert "earlier message" in again[0].text or "sebelumnya" in again[0].text


def test_no_message_text_is_stored(content, tmp_path):
    store = SQLiteStore(tmp_path / "bot.sqlite3")
    engine = new_engine(content, store)
    secret = "Saya Siti dari desa Sukamaju nomor 0812 rahasia"
    engine.handle("tg:77", Event.message(secret))
    engine.handle("tg:77", Event.message("loker kamboja gaji 15jt rahasiakutipan"))
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Sukamaju" not in raw and b"rahasiakutipan" not in raw and b"tg:77" not in raw


def test_about_names_the_sources(content):
    engine = new_engine(content)
    for lang in LANGS:
        engine.handle("a", Event.button(f"a:lang:{lang}"))
        text = all_text(engine.handle("a", Event.cmd("tentang")))
        for study in content.about["studies"].values():
            title = content.t(study["full"], lang)
            assert title[:40] in text, title
        assert "001_" not in text and ".txt" not in text  # file names stay in the metadata


def test_a_job_ad_that_mentions_danger_gets_emergency_help_and_the_offer_check(content):
    engine = new_engine(content)
    ad = ("LOWONGAN admin crypto di Filipina gaji 1500 dolar, tanpa pengalaman, makan tidur gratis, "
          "tiket ditanggung, paspor nanti ditahan kantor. Minat hubungi WA")
    replies = engine.handle("j", Event.message(ad))
    hotline = content.contacts["kemlu_pwni"]["lines"][0]["value"]
    assert hotline in replies[0].text  # help first
    assert any("🚩" in r.text for r in replies[2:]), "the offer is still checked"


def test_someone_in_danger_describing_their_job_gets_emergency_first(content):
    engine = new_engine(content)
    text = ("saya kerja customer service di kamboja gaji 15 juta, sekarang paspor ditahan bos "
            "dan saya tidak boleh keluar gedung, tolong")
    replies = engine.handle("d", Event.message(text))
    assert content.contacts["kemlu_pwni"]["lines"][0]["value"] in replies[0].text
    kh = content.contacts[content.countries["KH"]["missions"][0]]["lines"][0]["value"]
    assert kh in replies[0].text


def test_errors_are_logged_without_message_text(content, caplog):
    from bot.engine.tools import Tool

    class Broken(Tool):
        name = "broken"

        def claims(self, text, ctx):
            return "rahasia" in text

        def on_text(self, ctx, text):
            raise ValueError(f"cannot parse {text!r}")

    store = MemoryStore()
    engine = Engine(content, store, tools=[Broken()])
    with caplog.at_level("DEBUG"):
        replies = engine.handle("x", Event.message("ini rahasia Siti dari Sukamaju"))
    assert replies and replies[-1].buttons
    assert "ValueError" in caplog.text
    assert "Sukamaju" not in caplog.text and "rahasia" not in caplog.text


def test_language_of(content):
    engine = new_engine(content)
    assert engine.language_of("new", "en-US") == "en"
    engine.handle("u", Event.button("a:lang:en"))
    assert engine.language_of("u", "id") == "en"


def test_a_question_after_an_offer_check_is_routed_not_checked(content):
    engine = new_engine(content)
    ad = ("DIBUTUHKAN SEGERA!! Customer Service di Kamboja gaji 15jt/bulan, tanpa pengalaman, "
          "tiket & mess GRATIS, visa turis diurus. Minat hubungi WA")
    checked = engine.handle("o", Event.message(ad))
    assert any("🚩" in r.text for r in checked)
    replies = engine.handle("o", Event.message("gmn cek agen resmi"))
    assert on_topic(content, replies, "recruiter"), [r.source for r in replies]
