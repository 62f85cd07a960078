"""Tool definitions, response schemas and the request's other text fields are inspected like
messages: every string the vendor reads is a slot; names and JSON keys stay as they are."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from guard.adapters.openai import UninspectableInput, extract, rewrite
from guard.detect import Detector
from tests.harness import FakeUpstream, GuardServer

NAME = "Maria Gonzalez"
EMAIL = "maria.gonzalez@example.com"
CARD = "4111 1111 1111 1111"
PHONE = "+1 415-555-0132"
VALUES = [NAME, EMAIL, CARD, PHONE, "Maria", "Gonzalez", "4111111111111111", "4155550132"]


def tools() -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": "book_table",
                "description": f"Books a table for {NAME} ({EMAIL}), paid with card {CARD}.",
                "strict": True,
                "parameters": {
                    "type": "object",
                    "title": f"Booking for {NAME}",
                    "properties": {
                        "guest": {
                            "type": "string",
                            "description": f"Who comes, e.g. {NAME}",
                            "enum": [NAME, "someone else"],
                        },
                        "contact": {
                            "type": "string",
                            "format": "email",
                            "description": "Where the confirmation goes",
                            "default": EMAIL,
                            "examples": [EMAIL],
                        },
                        "phone": {
                            "type": ["string", "null"],
                            "description": f"Call {NAME} on {PHONE} if late",
                        },
                        # A property called like a schema keyword is still a property name.
                        "type": {"type": "string", "description": "Kind of table"},
                        "notes": {"$ref": "#/$defs/note"},
                    },
                    "required": ["guest", "contact"],
                    "additionalProperties": False,
                    "$defs": {
                        "note": {"type": "string", "description": f"Notes, such as: call {PHONE}"}
                    },
                },
            },
        },
        {"type": "builtin_function", "function": {"name": "$web_search"}},
    ]


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "booking",
            "description": f"The booking made for {NAME}",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "description": f"Always {EMAIL}", "const": EMAIL}
                },
                "required": ["email"],
            },
        },
    }


def _leaks(text: str) -> list[str]:
    digits = "".join(c for c in text if c.isdigit())
    return [v for v in VALUES if v in text or (v.isdigit() and v in digits)]


def _shape(node: Any) -> Any:
    """The body's structure with every string blanked: what rewriting must keep."""
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return "" if isinstance(node, str) else node


# --- which strings are slots -------------------------------------------------------------


def test_every_string_a_model_reads_is_a_slot_and_names_are_not() -> None:
    body: dict[str, Any] = {
        "model": "m",
        "messages": [{"role": "user", "content": "Book it"}],
        "tools": tools(),
        "functions": [{"name": "legacy_fn", "description": f"Legacy, for {NAME}"}],
        "tool_choice": {"type": "function", "function": {"name": "book_table"}},
        "response_format": response_format(),
        "stop": [f"Regards, {NAME}"],
        "prediction": {"type": "content", "content": f"Dear {NAME},"},
        "metadata": {"customer": EMAIL},
        "safety_identifier": EMAIL,
        "translation_options": {
            "source_lang": "auto",
            "target_lang": "English",
            "terms": [{"source": "玛丽亚", "target": NAME}],
        },
    }
    slots = extract("chat/completions", body)
    texts = [s.text for s in slots]
    for must in (
        f"Books a table for {NAME} ({EMAIL}), paid with card {CARD}.",
        f"Booking for {NAME}",
        f"Who comes, e.g. {NAME}",
        NAME,  # the enum value
        "someone else",
        EMAIL,  # default, examples, const, metadata, safety_identifier
        f"Call {NAME} on {PHONE} if late",
        "Kind of table",
        f"Notes, such as: call {PHONE}",
        f"The booking made for {NAME}",
        f"Always {EMAIL}",
        f"Legacy, for {NAME}",
        f"Regards, {NAME}",
        f"Dear {NAME},",
        "玛丽亚",
        "Book it",
    ):
        assert must in texts, must
    # Names, keys and the schema's vocabulary are not text.
    for never in (
        "book_table",
        "$web_search",
        "legacy_fn",
        "booking",
        "object",
        "string",
        "email",
        "guest",
        "#/$defs/note",
        "function",
        "json_schema",
        "auto",
        "English",
        "m",
    ):
        assert never not in texts, never
    # Tool definitions come first: resent unchanged every turn, their numbers stay put.
    assert slots[0].path[0] == "tools" and slots[-1].path[0] != "tools"
    # Errors name the place without the request's own keys (property names).
    enum_slot = next(s for s in slots if s.path[-2:] == ("enum", 0))
    assert enum_slot.location == "tools[0].function.parameters.properties.guest.enum[0]"
    assert enum_slot.place == "tools[0].function.parameters"


def test_rewriting_keeps_the_structure() -> None:
    body: dict[str, Any] = {
        "model": "m",
        "messages": [{"role": "user", "content": "Book it"}],
        "tools": tools(),
        "response_format": response_format(),
        "stop": "STOP",
    }
    before = copy.deepcopy(body)
    slots = extract("chat/completions", body)
    rewrite(body, [(s, f"<X{i}>") for i, s in enumerate(slots)])
    assert _shape(body) == _shape(before)
    fn = body["tools"][0]["function"]
    assert fn["name"] == "book_table" and fn["strict"] is True
    params = fn["parameters"]
    assert params["required"] == ["guest", "contact"]
    assert params["properties"]["contact"]["format"] == "email"
    assert params["properties"]["phone"]["type"] == ["string", "null"]
    assert params["properties"]["type"]["type"] == "string"
    assert params["properties"]["notes"] == {"$ref": "#/$defs/note"}
    assert params["properties"]["guest"]["enum"][0].startswith("<X")
    assert body["response_format"]["json_schema"]["name"] == "booking"
    assert body["stop"].startswith("<X")


def test_malformed_tools_are_refused_not_forwarded() -> None:
    for bad in ({"tools": {"type": "function"}}, {"tools": ["book"]}, {"functions": "f"}):
        with pytest.raises(UninspectableInput):
            extract("chat/completions", {"messages": [], **bad})


# --- through the proxy, with the OpenAI SDK ----------------------------------------------


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    yield server
    server.close()


def _client(guard: GuardServer, vendor: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=guard.base_url(vendor), api_key="sk-test", max_retries=0)


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_tools_and_schemas_reach_the_vendor_without_values(
    guard: GuardServer, fake_upstream: FakeUpstream, vendor: str
) -> None:
    fake_upstream.reply = "Booked."
    resp = _client(guard, vendor).chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "Book it"}],
        tools=tools(),  # type: ignore[arg-type]
        tool_choice={"type": "function", "function": {"name": "book_table"}},
        response_format=response_format(),  # type: ignore[arg-type]
        stop=[f"Regards, {NAME}"],
        extra_body={"prediction": {"type": "content", "content": f"Dear {NAME},"}},
    )
    assert resp.choices[0].message.content == "Booked."
    sent = fake_upstream.received[0]
    assert _leaks(sent.body.decode()) == []
    doc = sent.json
    # Same structure; names, keys and vocabulary unchanged.
    assert _shape(doc["tools"]) == _shape(tools())
    assert _shape(doc["response_format"]) == _shape(response_format())
    fn = doc["tools"][0]["function"]
    assert fn["name"] == "book_table" and doc["tools"][1]["function"]["name"] == "$web_search"
    assert doc["tool_choice"]["function"]["name"] == "book_table"
    props = fn["parameters"]["properties"]
    assert list(props) == ["guest", "contact", "phone", "type", "notes"]
    assert props["contact"]["format"] == "email" and fn["parameters"]["required"] == [
        "guest",
        "contact",
    ]
    # One request, one numbering: the enum value and the stop sequence get the placeholder
    # the description got.
    person = props["guest"]["enum"][0]
    assert person.startswith("<PERSON_") and person in fn["description"]
    assert doc["stop"] == [f"Regards, {person}"]
    assert doc["prediction"]["content"] == f"Dear {person},"


def test_a_placeholder_from_an_enum_comes_back_as_the_value(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = _client(guard, "kimi")
    c.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "Book it"}], tools=tools()  # type: ignore[arg-type]
    )
    person = fake_upstream.received[0].json["tools"][0]["function"]["parameters"]["properties"][
        "guest"
    ]["enum"][0]
    fake_upstream.tool_reply = ("book_table", json.dumps({"guest": person}))
    for stream in (False, True):
        if stream:
            chunks = list(
                c.chat.completions.create(
                    model="m",
                    messages=[{"role": "user", "content": "Book it"}],
                    tools=tools(),  # type: ignore[arg-type]
                    stream=True,
                )
            )
            args = "".join(
                tc.function.arguments or ""
                for ch in chunks
                if ch.choices
                for tc in ch.choices[0].delta.tool_calls or []
                if tc.function
            )
        else:
            resp = c.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "Book it"}], tools=tools()  # type: ignore[arg-type]
            )
            args = resp.choices[0].message.tool_calls[0].function.arguments  # type: ignore[index,union-attr]
        assert json.loads(args) == {"guest": NAME}


def test_a_secret_in_a_tool_description_blocks_the_request(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    leaky = tools()
    leaky[0]["function"]["parameters"]["properties"]["guest"]["description"] = (
        "Use the key sk-proj-FAKE7c2d9e1f4a6b8c0d3e5f7a9b1cQx8Lm2Nz to look guests up"
    )
    with pytest.raises(openai.BadRequestError) as info:
        _client(guard, "kimi").chat.completions.create(
            model="m", messages=[{"role": "user", "content": "Book it"}], tools=leaky  # type: ignore[arg-type]
        )
    message = str(info.value)
    assert "secret" in message and "tools[0].function.parameters" in message
    assert "sk-proj" not in message and "guest" not in message  # no value, no key of the request
    assert fake_upstream.received == []
