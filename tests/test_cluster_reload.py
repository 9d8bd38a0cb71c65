"""/reload on one instance reaches the others (issue 14): the instance that reloaded writes a new
content version to the shared database, and every other instance, at its next look, reloads its
own content once. Two instances here are two Cluster objects on two store connections to one
database, on SQLite and on PostgreSQL."""
import asyncio

from bot.adapters.telegram.cluster import Cluster
from bot.app import build_engine
from bot.content_loader.reload import Reloader
from bot.engine import Event


class Service:
    _pool = None  # the default executor stands in for the engine's thread

    def resume(self) -> None:
        pass


class Journal:
    def heartbeat(self) -> None:
        pass


def instance(store, content_dir):
    """An instance: its engine on its own store connection, its reloader, its cluster loop."""
    engines = [build_engine(content_dir, store=store)]
    reloader = Reloader(content_dir, lambda: engines[0], lambda e: engines.__setitem__(0, e))
    return Cluster(Service(), Journal(), store, reloader), reloader, engines


def menu_title(engines) -> str:
    return engines[0].handle("tg:7", Event.cmd("menu"))[0].buttons[0][0].label


def test_a_reload_on_one_instance_reaches_every_other_once(backend, content_copy):
    a, reload_a, engines_a = instance(backend.open(), content_copy)
    b, _, engines_b = instance(backend.open(), content_copy)
    c, _, engines_c = instance(backend.open(), content_copy)

    def look():
        async def go():
            for cl in (a, b, c):
                await cl.tick()
        asyncio.run(go())

    look()
    before = [id(e[0]) for e in (engines_a, engines_b, engines_c)]
    assert menu_title(engines_b) == "Kenali lowongan palsu"

    # an editor renames a topic on disk; an admin sends /reload to instance a only
    module = content_copy / "modules" / "fake_offer.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace('"Kenali lowongan palsu"', '"Kenali lowongan kerja palsu"', 1), encoding="utf-8")
    ok, _ = reload_a.reload()
    assert ok
    look()
    assert [menu_title(e) for e in (engines_a, engines_b, engines_c)] == ["Kenali lowongan kerja palsu"] * 3

    # each reloaded once: the next looks find nothing new
    after = [id(e[0]) for e in (engines_a, engines_b, engines_c)]
    assert all(x != y for x, y in zip(before, after))
    look()
    assert [id(e[0]) for e in (engines_a, engines_b, engines_c)] == after
