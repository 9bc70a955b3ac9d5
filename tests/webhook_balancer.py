"""Telegram posting the fake Bot API's updates to a load-balanced webhook URL."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

import httpx

from tests.fakebotapi import FakeBotApi


class Balancer:
    """Posts the fake's updates to the processes' webhooks in turn until one says 200."""

    def __init__(self, fake: FakeBotApi, urls: list[str], secret: str) -> None:
        self.fake = fake
        self.urls = urls
        self.secret = secret
        self.turn = itertools.cycle(range(len(urls)))
        self.inflight: set[int] = set()
        self.posted: Counter[int] = Counter()  # answered with 200, by process
        self.failed = 0  # posts that failed (a process killed or starting): tried again
        self.tasks: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=2.0)) as client:
            while not stop.is_set():
                for update in list(self.fake._updates):
                    update_id = int(update["update_id"])
                    if update_id not in self.inflight:
                        self.inflight.add(update_id)
                        task = asyncio.create_task(self._deliver(client, update))
                        self.tasks.add(task)
                        task.add_done_callback(self.tasks.discard)
                await asyncio.sleep(0.005)
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _deliver(self, client: httpx.AsyncClient, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        while True:
            which = next(self.turn)
            try:
                answer = await client.post(self.urls[which], json=update, headers=headers)
            except httpx.HTTPError:
                answer = None
            if answer is not None and answer.status_code == 200:
                self.posted[which] += 1
                update_id = update["update_id"]
                self.fake._updates = [u for u in self.fake._updates if u["update_id"] != update_id]
                return
            self.failed += 1
            await asyncio.sleep(0.1)
