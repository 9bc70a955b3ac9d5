from tests.conftest import Chat


async def test_akut_shows_own_contacts(chat) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    reply = await anna.say("/akut")
    assert "Pia Lind, +46 70 174 06 11" in reply
    assert "112" in reply
