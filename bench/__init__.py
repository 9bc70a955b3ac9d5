"""The benchmark: Trygg against python-telegram-bot's ConversationHandler (``python -m bench``)."""
