"""Draw the README's statistics chart (docs/stats-chart.png) from fictional demo cases.

    .venv/bin/python scripts/stats_chart.py [--locale sv|en] [--out docs/stats-chart.png]

Loads the demo organisation into a throwaway SQLite database, seeds 500 fictional cases
(tests/stats_seed.py), and draws the municipal security unit's last 12 months.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bot import orgfile  # noqa: E402
from bot.app import App  # noqa: E402
from bot.settings import Settings  # noqa: E402
from conversations.stats import periods, view  # noqa: E402
from storage.crypto import Keyring  # noqa: E402
from storage.models import Person  # noqa: E402
from storage.viewer import Viewer  # noqa: E402
from tests.stats_seed import seed  # noqa: E402

NOW = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)


async def draw(locale: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            DATABASE_URL=f"sqlite+aiosqlite:///{folder}/demo.db",
            TRYGG_DATA_DIR=Path(folder),
            TRYGG_KEYS=Keyring.new_key_line(),
        )
        app = App.create(settings, clock=lambda: NOW)
        try:
            await app.migrate()
            async with app.db.unit_of_work() as session:
                await orgfile.apply(session, orgfile.parse(REPO / "bot/demo/org.yaml"), app.keyring)
            seeded = await seed(app, 500)
            async with app.db.unit_of_work() as session:
                sara = Viewer.of(await _person(session, seeded.people["sara"]))
                scope = await view.scope_of(session, app.packs, sara)
                if scope is None:
                    raise SystemExit("the demo unit keeps no statistics")
                period = periods.last_12(NOW)
                figs = await view.gather(session, app.keyring, app.packs, sara, period)
            figure = view.draw(figs, scope, locale, app.catalogs.gettext(locale))
            return view.chart.png(figure)
        finally:
            await app.close()


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise SystemExit("the demo organisation has no such person")
    return person


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="en", choices=["sv", "en"])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "stats-chart.png")
    args = parser.parse_args()
    args.out.write_bytes(asyncio.run(draw(args.locale)))
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
