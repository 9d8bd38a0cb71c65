"""Several bot instances on one PostgreSQL database, behind a load balancer (issue 14).

What each instance does every few seconds (`Cluster.run`), besides answering its share of the
webhook deliveries:

- beats its heart in `telegram_instances`, and takes over the unsent replies of an instance
  that stopped beating (killed) for longer than the lease (BOT_INSTANCE_LEASE, 15 s): they are
  in the journal, so nothing is lost (journal.unfinished);
- looks at the content version in the store's `meta` table: an admin's /reload (or SIGHUP) on
  one instance writes a new one, and every other instance reloads its content too.

The guarantees of one instance hold across several because they live in the database:
the per-person lock and the update_id primary key of the journal (service._claim and
journal.record), the shared alert queue and rate budget (bot/alerts), reach figures and
handoff cases in shared tables.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

log = logging.getLogger("bot.telegram")

EVERY = 2.0  # seconds between two looks
CONTENT_VERSION = "content_version"


class Cluster:
    def __init__(self, service: Any, journal: Any, store: Any, reloader: Any = None, every: float = EVERY) -> None:
        self.service, self.journal, self.store, self.reloader = service, journal, store, reloader
        self.every = every
        self.version = store.get_meta(CONTENT_VERSION)
        if reloader is not None:
            reloader.on_reloaded = self.publish

    def publish(self) -> None:
        """This instance reloaded its content: the others follow."""
        self.version = secrets.token_hex(8)
        self.store.set_meta(CONTENT_VERSION, self.version)

    async def tick(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.journal.heartbeat)
        self.service.resume()  # the unsent replies of instances that died, if any
        version = await loop.run_in_executor(None, self.store.get_meta, CONTENT_VERSION)
        if version != self.version and self.reloader is not None:
            self.version = version
            log.info("another instance reloaded the content: reloading")
            # in the engine's own thread, between two updates
            await loop.run_in_executor(self.service._pool, lambda: self.reloader.reload(publish=False))

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.every)
            except asyncio.TimeoutError:
                pass
            if stop.is_set():
                return
            try:
                await self.tick()
            except Exception as e:  # the database away for a moment: the next look tries again
                log.warning("cluster housekeeping failed: %s", type(e).__name__)
