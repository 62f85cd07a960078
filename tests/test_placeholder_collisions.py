"""A placeholder the request already holds as text is never issued, and never restored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guard.detect import Detector
from guard.restore import Restorer
from guard.transform import Vault, names_in, names_in_json
from tests.harness import FakeUpstream, GuardServer

TEMPLATE = "Template: 'Dear <PERSON_1>, your order shipped.' Please write it for John Miller."


def test_names_in_finds_every_form_the_restorer_accepts() -> None:
    text = (
        "<PERSON_1> <person_2> ＜PERSON_3＞ \\<PERSON_4\\> < PERSON_5 > 联系PERSON_6。 "
        "PERSON_7 EMAIL_ADDRESS_1> <IBAN_CODE_2 "
    )
    assert {
        "PERSON_1",
        "PERSON_2",
        "PERSON_3",
        "PERSON_4",
        "PERSON_5",
        "PERSON_6",
        "PERSON_7",
        "EMAIL_ADDRESS_1",
        "IBAN_CODE_2",
    } <= names_in([text])
    # Not names the restorer would take for PERSON_1: part of a longer word.
    assert "PERSON_1" not in names_in(["MY_PERSON_1 PERSON_1x PERSON_12"])
    # Keys, and JSON source inside strings (tool-call arguments), count too.
    body = {
        "messages": [
            {
                "role": "assistant",
                "tool_calls": [{"function": {"arguments": '{"to": "\\u003cPERSON_8\\u003e"}'}}],
            }
        ],
        "metadata": {"PERSON_9": "x"},
    }
    assert {"PERSON_8", "PERSON_9"} <= names_in_json(body)


def test_vault_skips_taken_numbers() -> None:
    vault = Vault({"PERSON_1", "PERSON_3", "EMAIL_ADDRESS_1"})
    assert vault.placeholder("PERSON", "John Miller", True) == "<PERSON_2>"
    assert vault.placeholder("PERSON", "Ann Lee", True) == "<PERSON_4>"
    assert vault.placeholder("PERSON", "john  miller", True) == "<PERSON_2>"
    assert vault.placeholder("EMAIL_ADDRESS", "a@b.example", True) == "<EMAIL_ADDRESS_2>"
    assert vault.placeholder("IBAN_CODE", "DE89370400440532013000", True) == "<IBAN_CODE_1>"
    assert set(vault.restore_map()) == {
        "<PERSON_2>",
        "<PERSON_4>",
        "<EMAIL_ADDRESS_2>",
        "<IBAN_CODE_1>",
    }


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    yield server
    server.close()


def _ask(guard: GuardServer, text: str, stream: bool) -> str:
    c = openai.OpenAI(base_url=guard.base_url("kimi"), api_key="sk-test", max_retries=0)
    messages = [{"role": "user", "content": text}]
    if stream:
        chunks = c.chat.completions.create(model="m", messages=messages, stream=True)  # type: ignore[arg-type]
        return "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    resp = c.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    return resp.choices[0].message.content or ""


@pytest.mark.parametrize("stream", [False, True])
def test_the_users_template_token_survives_the_round_trip(
    guard: GuardServer, fake_upstream: FakeUpstream, stream: bool
) -> None:
    # The fake vendor echoes what it saw: the client must read exactly its own prompt again.
    fake_upstream.chunk_size = 3  # placeholders split across chunks
    answer = _ask(guard, TEMPLATE, stream)
    seen = fake_upstream.received[0].json["messages"][0]["content"]
    assert "John Miller" not in seen
    assert seen.count("<PERSON_1>") == 1  # only the user's own token
    assert "<PERSON_2>" in seen  # John Miller's
    assert answer == TEMPLATE


@pytest.mark.parametrize(
    "token", ["<person_1>", "＜PERSON_1＞", "PERSON_1", "\\<PERSON_1\\>", "< PERSON_1 >"]
)
def test_variants_of_a_placeholder_in_the_prompt_are_skipped_too(
    guard: GuardServer, fake_upstream: FakeUpstream, token: str
) -> None:
    text = f"Fill {token} in the letter; it is for John Miller."
    answer = _ask(guard, text, stream=True)
    seen = fake_upstream.received[0].json["messages"][0]["content"]
    assert "John Miller" not in seen and "<PERSON_2>" in seen
    assert answer == text


def test_a_token_in_tool_arguments_is_skipped(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    c = openai.OpenAI(base_url=guard.base_url("kimi"), api_key="sk-test", max_retries=0)
    messages = [
        {"role": "user", "content": "Send the template to John Miller."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {
                        "name": "render",
                        "arguments": json.dumps({"template": "Hi <PERSON_1>!"}, ensure_ascii=True),
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "done"},
    ]
    fake_upstream.reply = "I used <PERSON_1> in the template and wrote to <PERSON_2>."
    resp = c.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    seen = fake_upstream.received[0].json["messages"][0]["content"]
    assert seen == "Send the template to <PERSON_2>."
    assert resp.choices[0].message.content == "I used <PERSON_1> in the template and wrote to John Miller."


AROUND = [
    "<", ">", "＜", "＞", "\\", "\\u003c", "\\u003e", "u003c", "n", " ", "_", "1", "a", "X",
    "联", "。", "MY_",
]  # fmt: skip
NAMES = ["PERSON_1", "person_1", "Person_1", "PERSON_12"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(AROUND), max_size=4),
    st.sampled_from(NAMES),
    st.lists(st.sampled_from(AROUND), max_size=4),
    st.booleans(),
)
@example(["\\u003c"], "PERSON_1", [], True)
@example(["x\\n"], "PERSON_1", [], True)
def test_every_name_the_restorer_would_restore_is_taken(
    before: list[str], core: str, after: list[str], json_string: bool
) -> None:
    # Whatever the restorer would turn back into a value, names_in reports: so no number the
    # user's text holds in any restorable form is ever issued.
    text = "".join([*before, core, *after])
    taken = names_in([text])
    for name in ("PERSON_1", "PERSON_12"):
        restorer = Restorer({f"<{name}>": "\x00"})
        if restorer.restore_text(text, json_string=json_string) != text:
            assert name in taken, (text, name)
