"""A request in the shape Claude Code sends to `ANTHROPIC_BASE_URL/v1/messages?beta=true`.

Written by hand after Claude Code's traffic: the system prompt as two text blocks with
`cache_control`, its tool definitions with JSON schemas, `metadata.user_id`, extended thinking,
a streamed answer, and a conversation in which the model read a project's `.env` file with the Read
tool, so the file comes back as a long `tool_result` in `cat -n` form. The texts are shortened
but keep the kind of content the real ones have (paths, commands, config keys).
"""

from __future__ import annotations

from typing import Any

HEADERS = {
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,"
    "fine-grained-tool-streaming-2025-05-14",
    "anthropic-dangerous-direct-browser-access": "true",
    "x-app": "cli",
    "User-Agent": "claude-cli/2.0.14 (external, cli)",
    "Content-Type": "application/json",
}

# The secrets in the .env file, in the order they appear.
SECRETS = [
    "billing:Xk9#mQ2vLp7wR4tZ",  # the credentials part of DATABASE_URL
    "sk_live_51HqLyjWDarjtT1zdp7dcXhQm3b9kT2vZ8rN4yP6aQ",
    "ghp_9aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX",
    "4f8a1c9e2b7d6f3a0e5c8b1d9f2a7e4c",
]

_ENV_TOP = f"""# billing-service local configuration
# copy to .env and adjust; never commit this file
APP_ENV=development
APP_PORT=8080
LOG_LEVEL=debug
LOG_FORMAT=json
DATABASE_URL=postgres://{SECRETS[0]}@db.internal:5432/billing
DATABASE_POOL_SIZE=10
DATABASE_TIMEOUT_MS=5000
REDIS_URL=redis://localhost:6379/0
STRIPE_SECRET_KEY={SECRETS[1]}
STRIPE_WEBHOOK_TOLERANCE_SECONDS=300
GITHUB_TOKEN={SECRETS[2]}
JWT_SECRET={SECRETS[3]}
JWT_TTL_MINUTES=60"""

# The rest of a long file: settings without any value worth hiding.
_ENV_REST = "\n".join(
    f"{name}_{i}={value}"
    for i in range(40)
    for name, value in (
        ("FEATURE_FLAG", "true" if i % 3 else "false"),
        ("WORKER_CONCURRENCY", str(2 + i % 6)),
        ("QUEUE_RETRY_BACKOFF_MS", str(250 * (1 + i % 4))),
    )
)


def _cat_n(text: str) -> str:
    """The Read tool's output: each line numbered, then an arrow."""
    return "\n".join(f"{n:>6}\u2192{line}" for n, line in enumerate(text.split("\n"), 1))


ENV_FILE = _ENV_TOP + "\n" + _ENV_REST
TOOL_RESULT = _cat_n(ENV_FILE)

_SYSTEM = """
You are an interactive CLI tool that helps users with software engineering tasks. Use the \
instructions below and the tools available to you to assist the user.

IMPORTANT: Assist with defensive security tasks only. Refuse to create, modify, or improve code that \
may be used maliciously.

# Tone and style
You should be concise, direct, and to the point. When you run a non-trivial bash command, you should \
explain what the command does and why you are running it. Your output will be displayed on a command \
line interface. Your responses can use GitHub-flavored markdown for formatting.

# Following conventions
When making changes to files, first understand the file's code conventions. Mimic code style, use \
existing libraries and utilities, and follow existing patterns. NEVER assume that a given library is \
available. Always follow security best practices. Never introduce code that exposes or logs secrets \
and keys. Never commit secrets or keys to the repository.

# Task Management
You have access to the TodoWrite tool to help you manage and plan tasks. Use it very frequently.

Here is useful information about the environment you are running in:
<env>
Working directory: /home/dev/src/billing-service
Is directory a git repo: Yes
Platform: linux
OS Version: Linux 6.8.0-45-generic
Today's date: 2025-10-14
</env>
You are powered by the model kimi-k2-0905-preview.

gitStatus: This is the git status at the start of the conversation.
Current branch: fix/local-startup

Main branch (you will usually use this for PRs): main

Status:
M src/config/loader.ts
?? .env

Recent commits:
3f2a91c Read pool size from the environment
8e0d4b7 Add webhook tolerance setting
"""

_TOOLS: list[dict[str, Any]] = [
    {
        "name": "Bash",
        "description": (
            "Executes a given bash command in a persistent shell session with optional timeout, "
            "ensuring proper handling and security measures.\n\nBefore executing the command, "
            "please follow these steps:\n1. Directory Verification: If the command will create "
            "new directories or files, first use `ls` to verify the parent directory exists.\n"
            "2. Command Execution: Always quote file paths that contain spaces with double quotes."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "command": {"type": "string", "description": "The command to execute"},
                "timeout": {"type": "number", "description": "Optional timeout in milliseconds (max 600000)"},
                "description": {
                    "type": "string",
                    "description": "Clear, concise description of what this command does in 5-10 words.",
                },
                "run_in_background": {
                    "type": "boolean",
                    "description": "Set to true to run this command in the background.",
                },
            },
            "required": ["command"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    },
    {
        "name": "Read",
        "description": (
            "Reads a file from the local filesystem. You can access any file directly by using "
            "this tool.\n\nUsage:\n- The file_path parameter must be an absolute path, not a "
            "relative path\n- By default, it reads up to 2000 lines starting from the beginning "
            "of the file\n- Results are returned using cat -n format, with line numbers starting at 1"
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "file_path": {"type": "string", "description": "The absolute path to the file to read"},
                "offset": {"type": "number", "description": "The line number to start reading from"},
                "limit": {"type": "number", "description": "The number of lines to read"},
            },
            "required": ["file_path"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    },
    {
        "name": "Edit",
        "description": (
            "Performs exact string replacements in files.\n\nUsage:\n- You must use your `Read` "
            "tool at least once in the conversation before editing.\n- The edit will FAIL if "
            "`old_string` is not unique in the file."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "file_path": {"type": "string", "description": "The absolute path to the file to modify"},
                "old_string": {"type": "string", "description": "The text to replace"},
                "new_string": {"type": "string", "description": "The text to replace it with"},
                "replace_all": {
                    "type": "boolean",
                    "default": False,
                    "description": "Replace all occurences of old_string (default false)",
                },
            },
            "required": ["file_path", "old_string", "new_string"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    },
    {
        "name": "TodoWrite",
        "description": "Use this tool to create and manage a structured task list for your current "
        "coding session.",
        "input_schema": {
            "type": "object",
            "properties": {
                "todos": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "content": {"type": "string", "minLength": 1},
                            "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]},
                            "activeForm": {"type": "string", "minLength": 1},
                        },
                        "required": ["content", "status", "activeForm"],
                        "additionalProperties": False,
                    },
                    "description": "The updated todo list",
                }
            },
            "required": ["todos"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    },
]


def claude_code_request() -> dict[str, Any]:
    return {
        "model": "kimi-k2-0905-preview",
        "max_tokens": 32000,
        "temperature": 1,
        "stream": True,
        "metadata": {
            "user_id": "user_4c1e7f0a9b2d8e6f3a5c7b9d1e0f2a4c6b8d0e2f4a6c8e0b2d4f6a8c0e2b4d6f_account__"
            "session_0b7e4c2a-9d1f-4e6b-8a3c-5f2d7e9b1c4a"
        },
        "thinking": {"type": "enabled", "budget_tokens": 31999},
        "tool_choice": {"type": "auto"},
        "system": [
            {
                "type": "text",
                "text": "You are Claude Code, Anthropic's official CLI for Claude.",
                "cache_control": {"type": "ephemeral"},
            },
            {"type": "text", "text": _SYSTEM, "cache_control": {"type": "ephemeral"}},
        ],
        "tools": _TOOLS,
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "text",
                        "text": "<system-reminder>\nAs you answer the user's questions, you can use "
                        "the following context:\n# claudeMd\nCodebase and user instructions are shown "
                        "below.\n\nContents of /home/dev/src/billing-service/CLAUDE.md:\n\n- Run "
                        "`npm test` before committing\n- Config is read in src/config/loader.ts\n"
                        "</system-reminder>\n",
                    },
                    {"type": "text", "text": "the service fails to start locally, can you check the config?"},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "thinking",
                        "thinking": "The user wants to know why the service does not start. The config "
                        "loader reads .env, so I should look at that file first.",
                        "signature": "EqQBCkYIBxgCKkBz0mJ0c2lnbmF0dXJlLWJ5dGVz",
                    },
                    {"type": "text", "text": "I'll check the environment file the config loader reads."},
                    {
                        "type": "tool_use",
                        "id": "toolu_01A9bKxq3Zk4cR7wT2mN5pLd",
                        "name": "Read",
                        "input": {"file_path": "/home/dev/src/billing-service/.env"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_01A9bKxq3Zk4cR7wT2mN5pLd",
                        "content": TOOL_RESULT,
                        "cache_control": {"type": "ephemeral"},
                    }
                ],
            },
        ],
    }
