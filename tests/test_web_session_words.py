"""The Session page's words with and without a microphone: the button and the word to say
are the same ("Continue" beside say "continue"), and with no microphone the page names
the buttons instead."""

from __future__ import annotations

from facecoach._core.commands import Command
from facecoach._web.render import environment
from facecoach._web.session import BUTTONS, DOCKED, Snapshot, session_status


def render(snap: Snapshot, *, active: bool = True) -> str:
    return environment().get_template("session.html").render(
        page="session", title="Session", notice="", files_problem="", snap=snap,
        status_text=session_status(snap), active=active, buttons=BUTTONS, docked=DOCKED,
        pictures=(),
    )  # fmt: skip


def test_paused_names_continue_and_the_word_only_when_a_microphone_listens() -> None:
    heard = Snapshot(state="paused", listening=True)
    deaf = Snapshot(state="paused", listening=False)
    assert session_status(heard) == 'Paused. Press Continue or say "continue" to go on.'
    assert session_status(deaf) == "Paused. Press Continue to go on."
    page = render(deaf)
    assert ">Continue</button>" in page
    assert 'id="hint-voice" hidden' in page and 'id="hint-buttons">' in page
    page = render(heard)
    assert 'id="hint-buttons" hidden' in page and 'id="hint-voice">' in page


def test_the_bar_holds_too_tight_pause_and_stop() -> None:
    page = render(Snapshot(state="running", routine="R"))
    bar = page[page.index('class="dock"') :]
    for command in (Command.TOO_TIGHT, Command.PAUSE, Command.STOP):
        assert f'value="{command.value}"' in bar
    assert 'value="next"' not in bar


def test_an_ended_session_shows_its_end_and_disables_every_button() -> None:
    snap = Snapshot(state="finished", finished="Session stopped: 3 of 40 steps done.")
    page = render(snap)
    assert session_status(snap) == "The session has ended."
    assert page.count("<button") == len(BUTTONS) == page.count(" disabled>")
    ended = page[page.index('id="ended"') :]
    assert not ended.startswith('id="ended" class="ended" aria-labelledby="ended-h" hidden')
    assert 'href="/">Back to Today' in ended and "3 of 40 steps done" in ended
