"""Transport-neutral dialogue flows. Nothing here knows about Telegram or the console."""
