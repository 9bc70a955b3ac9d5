"""Configuration from the environment (and a .env file in the working directory)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from conversations.i18n import LOCALE_DIR


class Settings(BaseSettings):
    """Everything Trygg reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default=Path("data"), alias="TRYGG_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    default_locale: str = Field(default="sv", alias="TRYGG_DEFAULT_LOCALE")
    locale_dir: Path = Field(default=LOCALE_DIR, alias="TRYGG_LOCALE_DIR")
    keys: str | None = Field(default=None, alias="TRYGG_KEYS")
    key_file: Path | None = Field(default=None, alias="TRYGG_KEY_FILE")
    log_level: str = Field(default="INFO", alias="TRYGG_LOG_LEVEL")
    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(default=None, alias="TELEGRAM_API_BASE_URL")
    telegram_file_base_url: str | None = Field(default=None, alias="TELEGRAM_FILE_BASE_URL")
    telegram_bot_username: str | None = Field(default=None, alias="TELEGRAM_BOT_USERNAME")
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1", alias="TRYGG_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8080, alias="TRYGG_WEBHOOK_PORT")
    signal_rpc: str | None = Field(default=None, alias="TRYGG_SIGNAL_RPC")
    signal_account: str | None = Field(default=None, alias="TRYGG_SIGNAL_ACCOUNT")
    # signal-cli's <data-dir>/attachments, if on this host: files are read there, not fetched
    signal_attachments: Path | None = Field(default=None, alias="TRYGG_SIGNAL_ATTACHMENTS")

    # PostgreSQL shared by several `trygg run` processes (see bot.receiver, storage.leases):
    # a start then resends lost replies after a grace, and another process's unconfirmed
    # replies count as on their way for that long
    several_processes: bool = Field(default=False, alias="TRYGG_SEVERAL_PROCESSES")

    web_listen: str = Field(default="127.0.0.1", alias="TRYGG_WEB_LISTEN")
    web_port: int = Field(default=8090, alias="TRYGG_WEB_PORT")
    # the console's public base URL (behind the operator's reverse proxy); unset: no console
    web_url: str | None = Field(default=None, alias="TRYGG_WEB_URL")
    # if set, /metrics answers only requests with "Authorization: Bearer <this token>"
    metrics_token: str | None = Field(default=None, alias="TRYGG_METRICS_TOKEN")

    @property
    def key_path(self) -> Path:
        """The key file: TRYGG_KEY_FILE, else trygg.keys in the data directory."""
        return self.key_file or self.data_dir / "trygg.keys"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file, if the database is one (None for a server)."""
        url = make_url(self.db_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    @property
    def uses_data_dir(self) -> bool:
        """True if the database or the key file lives in the data directory."""
        data = self.data_dir.resolve()
        return any(
            path is not None and data in path.resolve().parents
            for path in (self.sqlite_file, None if self.keys else self.key_path)
        )

    @property
    def db_url(self) -> str:
        """The database URL; by default an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'trygg.db').resolve()}"
