"""Requests in the Anthropic Messages and DashScope native formats with a text in every place the
vendor reads, shared by the adapter tests and the end-to-end tests (which hand the same
parameters to the real SDKs)."""

from __future__ import annotations

import json
from typing import Any

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def anthropic_tools(text: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "send_mail",
            "description": f"Send a mail, e.g. to {text}",
            "input_schema": {
                "type": "object",
                "properties": {
                    "to": {"type": "string", "description": f"recipient such as {text}"},
                    "kind": {"type": "string", "enum": ["plain", text]},
                    "note": {"type": "object", "properties": {"body": {"type": "array"}}},
                },
                "required": ["to"],
            },
            "cache_control": {"type": "ephemeral"},
        }
    ]


def anthropic_every_place(text: str) -> dict[str, Any]:
    """Parameters of `messages.create` with `text` in every place the proxy inspects (and the
    places it must leave alone: an image, a tool's name, ids, cache_control)."""
    return {
        "model": "kimi-k2-0905-preview",
        "max_tokens": 256,
        "system": [{"type": "text", "text": f"You help {text}.", "cache_control": {"type": "ephemeral"}}],
        "tools": anthropic_tools(text),
        "metadata": {"user_id": text},
        "stop_sequences": [f"Regards, {text}"],
        "messages": [
            {"role": "user", "content": f"Hello, I am {text}"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": f"The user is {text}", "signature": "sig-1"},
                    {"type": "text", "text": f"Noted: {text}"},
                    {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "send_mail",
                        "input": {"to": text, "note": {"body": [text]}, "n": 3},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [
                            {"type": "text", "text": f"sent to {text}"},
                            {
                                "type": "image",
                                "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                            },
                        ],
                    },
                    {
                        "type": "document",
                        "title": f"Notes on {text}",
                        "source": {"type": "text", "media_type": "text/plain", "data": text},
                    },
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                    },
                    {"type": "text", "text": text, "cache_control": {"type": "ephemeral"}},
                ],
            },
        ],
    }


# The places of `anthropic_every_place`, as audit rows name them.
ANTHROPIC_PLACES = [
    "tools[0].description",
    "tools[0].input_schema.properties.to.description",
    "tools[0].input_schema.properties.kind.enum[1]",
    "system[0].text",
    "messages[0].content",
    "messages[1].content[0].thinking",
    "messages[1].content[1].text",
    "messages[1].content[2].input.to",
    "messages[1].content[2].input.note.body[0]",
    "messages[2].content[0].content[0].text",
    "messages[2].content[1].title",
    "messages[2].content[1].source.data",
    "messages[2].content[3].text",
    "metadata.user_id",
    "stop_sequences[0]",
]


def dashscope_every_place(text: str) -> dict[str, Any]:
    """Keyword arguments of `dashscope.Generation.call` with `text` everywhere it is inspected."""
    return {
        "model": "qwen-plus",
        "messages": [
            {"role": "system", "content": f"You help {text}"},
            {"role": "user", "content": text},
            {
                "role": "assistant",
                "content": f"Noted: {text}",
                "reasoning_content": f"The user is {text}",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {
                            "name": "send_mail",
                            "arguments": json.dumps({"to": text, "note": {"body": [text]}}),
                        },
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": f"sent to {text}"},
            {"role": "user", "content": f"Thanks, {text}"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "send_mail",
                    "description": f"Send a mail, e.g. to {text}",
                    "parameters": {
                        "type": "object",
                        "properties": {"to": {"type": "string", "description": f"such as {text}"}},
                    },
                },
            }
        ],
        "result_format": "message",
    }


DASHSCOPE_PLACES = [
    "parameters.tools[0].function.description",
    "parameters.tools[0].function.parameters.properties.to.description",
    "input.messages[0].content",
    "input.messages[1].content",
    "input.messages[2].content",
    "input.messages[2].reasoning_content",
    "input.messages[2].tool_calls[0].function.arguments.to",
    "input.messages[2].tool_calls[0].function.arguments.note.body[0]",
    "input.messages[3].content",
    "input.messages[4].content",
]


def dashscope_multimodal(text: str) -> list[dict[str, Any]]:
    """Messages for `dashscope.MultiModalConversation.call`: content as a list of items."""
    return [
        {"role": "system", "content": [{"text": f"You help {text}"}]},
        {
            "role": "user",
            "content": [{"image": "https://example.com/cat.png"}, {"text": text}],
        },
    ]
