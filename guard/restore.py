"""The answer side: placeholders issued for a request go back to their values.

Three layers, each built on the one before:

* `Restorer` holds the compiled pattern for one exchange and restores whole texts.
* `TextStreamRestorer` restores a text that arrives in pieces. It holds back only the tail that
  could still turn into a placeholder, so ordinary text is never delayed.
* `restore_completion` and `ChatStreamRestorer` apply those to chat-completion bodies and to the
  raw SSE byte stream, field by field.

What counts as a placeholder in the answer (models do not always copy them exactly), for a
placeholder `<PERSON_1>` that was issued for this request:

* `<PERSON_1>`, any letter case inside brackets (`<person_1>`), one optional space inside each
  bracket (`< PERSON_1 >`), full-width brackets (`＜PERSON_1＞`), mixed brackets;
* markdown-escaped `\\<PERSON_1\\>` (both backslashes: a single `\\<` is more likely the end of a
  Windows path, `C:\\Users\\<PERSON_1>`, and the backslash then belongs to the path);
* the bare name `PERSON_1`, also with only one bracket (`<PERSON_1`, `PERSON_1>`), in upper case
  only and only where it stands alone: no ASCII letter, digit or underscore on either side. So
  `MY_PERSON_12` and `PERSON_12` (when only `PERSON_1` was issued) stay as written, while CJK
  text around it (`联系PERSON_1。`) does not prevent it, nor do other brackets and entities
  (`[PERSON_1]`, `&lt;PERSON_1&gt;`: the name is restored, what surrounds it stays). Lower-case
  bare `person_1` is left alone: it reads like an identifier in code.

Anything else stays as written: placeholders that were not issued for this request (a model may
invent `<PERSON_9>`), unrelated tags, other spellings (`<PERSON 1>`, `<PERSON_01>`).

In JSON mode (tool-call arguments, which are streamed as fragments of a JSON document) the
values are written JSON-escaped and the same forms are recognised as they appear in JSON source:
brackets may also be written `\\u003c`/`\\uff1c`, the markdown backslash is itself escaped, and a
bare name may follow a `\\n`-style or `\\uXXXX` escape. The source is matched as written, escapes
and all, which equals restoring the decoded strings except where the decoded text itself holds a
backslash escape right before a placeholder (`\\\\nPERSON_1` in the source, a literal `\\n`
and the name): that name is restored, as if the escape were real.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from guard import sse

__all__ = [
    "ChatStreamRestorer",
    "Restorer",
    "TextStreamRestorer",
    "restore_completion",
]

_T = TypeVar("_T")

# The shape guard.transform.Vault.placeholder issues; not imported from there because that module
# pulls in the analyzer stack, which the response path does not need.
_CANONICAL = re.compile(r"<([A-Z][A-Z0-9_]*_\d+)>")
_WORD = "[A-Za-z0-9_]"
# Any name of placeholder shape. The patterns match this and the name is then looked up in the
# request's map, so that they do not depend on the request: compiling a pattern with the names
# built in costs milliseconds per request, on the path to the first byte of the answer.
_NAME = "[A-Za-z][A-Za-z0-9_]*_[0-9]+"
_BARE_NAME = "[A-Z][A-Za-z0-9_]*_[0-9]+"
# The longest lookbehind below (`\uXXXX`): how much already-emitted text a stream keeps as context.
_CONTEXT = 6


# ---------------------------------------------------------------------------------------------
# Pattern construction
#
# Each piece of the grammar is built twice: `full` matches the piece, `pre` matches its proper
# prefixes. A stream holds back a tail exactly when it matches `pre` up to the end of the buffer
# (and names the start of a placeholder of this request), so the two must be derived from one
# description or they drift apart.


@dataclass(frozen=True, slots=True)
class _Rx:
    full: str
    # Proper prefixes of what `full` matches; "" when the empty string is one. A lookahead's
    # `pre` is "" too: at the end of the buffer it cannot be decided yet. None: no prefix at all.
    pre: str | None
    maxlen: int  # not counting the name
    inner: str  # `full` as it is written inside `pre`, with the capture names of the tail


def _lit(s: str, icase: bool = False) -> _Rx:
    pre = ""
    for ch in reversed(s[:-1]):
        pre = f"(?:{re.escape(ch)}{pre})?"
    full = re.escape(s)
    if icase:
        full, pre = f"(?i:{full})", f"(?i:{pre})" if pre else ""
    return _Rx(full, pre, len(s), full)


def _seq(*parts: _Rx) -> _Rx:
    pre = parts[-1].pre
    for p in reversed(parts[:-1]):
        alts = [a for a in (p.pre, None if pre is None else p.inner + pre) if a is not None]
        pre = f"(?:{'|'.join(alts)})" if alts else None
    return _Rx(
        "".join(p.full for p in parts),
        pre,
        sum(p.maxlen for p in parts),
        "".join(p.inner for p in parts),
    )


def _alt(*parts: _Rx) -> _Rx:
    pres = [p.pre for p in parts if p.pre is not None]
    return _Rx(
        f"(?:{'|'.join(p.full for p in parts)})",
        f"(?:{'|'.join(pres)})" if pres else None,
        max(p.maxlen for p in parts),
        f"(?:{'|'.join(p.inner for p in parts)})",
    )


def _opt(p: _Rx) -> _Rx:
    return _Rx(f"(?:{p.full})?", p.pre, p.maxlen, f"(?:{p.inner})?")


def _behind(rx: str) -> _Rx:
    return _Rx(rx, None, 0, rx)


def _ahead(rx: str) -> _Rx:
    return _Rx(rx, "", 0, rx)


def _name(group: str, any_case: bool) -> _Rx:
    # In a tail, `kp` is a name cut short by the end of the buffer, `kf` a whole one that
    # something follows: the first must begin a name of the request, the second be one.
    # A bare name starts with a capital: in JSON the letter of an escape (`\\nPERSON_1`) must not
    # be taken for the start of a name, which would swallow the real one.
    name = _NAME if any_case else _BARE_NAME
    return _Rx(f"(?P<{group}>{name})", "(?P<kp>[A-Za-z0-9_]*)", 0, f"(?P<kf>{name})")


@dataclass(frozen=True, slots=True)
class _Mode:
    rx: re.Pattern[str]  # every form, in order; the group that matched names the form
    # Per form: its proper prefixes up to the end of the text, and whether the name may be in any
    # letter case.
    tails: tuple[tuple[re.Pattern[str], bool], ...]
    icase: frozenset[str]  # the groups whose names match in any letter case
    overhead: int  # the longest form, not counting the name


def _mode(json_mode: bool) -> _Mode:
    sp = _opt(_lit(" "))
    if json_mode:
        # Escaped by serializers that write only ASCII, or that escape `<` for HTML.
        opens = _alt(_lit("<"), _lit("＜"), _lit("\\u003c", True), _lit("\\uff1c", True))
        closes = _alt(_lit(">"), _lit("＞"), _lit("\\u003e", True), _lit("\\uff1e", True))
        # Inside a JSON string a newline or an escaped CJK character is written as an escape
        # that ends in a letter or digit; the decoded text has no word character there.
        bound = _alt(
            _behind(f"(?<!{_WORD})"),
            _behind(r"(?<=\\[nrtbf])"),
            _behind(r"(?<=\\u[0-9A-Fa-f]{4})"),
        )
        md_open, md_close = _lit("\\\\<"), _lit("\\\\>")  # the backslash escaped
    else:
        opens = _alt(_lit("<"), _lit("＜"))
        closes = _alt(_lit(">"), _lit("＞"))
        bound = _behind(f"(?<!{_WORD})")
        md_open, md_close = _lit("\\<"), _lit("\\>")
    forms = [  # (form, group of its name, name in any letter case)
        (_seq(md_open, sp, _name("m", True), sp, md_close), "m", True),
        (_seq(opens, sp, _name("b", True), sp, closes), "b", True),
        (
            _seq(_alt(opens, bound), _name("n", False), _ahead(f"(?!{_WORD})"), _opt(closes)),
            "n",
            False,
        ),
    ]
    # ASCII: letter case stays ASCII (no Kelvin sign for a K).
    return _Mode(
        re.compile(_alt(*(f for f, _, _ in forms)).full, re.ASCII),
        tuple((re.compile(f"(?:{f.pre})\\Z", re.ASCII), ic) for f, _, ic in forms if f.pre),
        frozenset(g for _, g, ic in forms if ic),
        max(f.maxlen for f, _, _ in forms),
    )


# Built once: they depend on nothing but this module.
_MODES = {False: _mode(False), True: _mode(True)}


@dataclass(slots=True)
class _Compiled:
    mode: _Mode
    by_name: dict[str, str]  # "PERSON_1" -> replacement, already escaped for the mode
    maxlen: int
    # Every match and every tail begins with one of these: a bracket, a backslash, or the first
    # letter of a name (a bare name is in capitals).
    starts: tuple[str, ...]

    def replacement(self, m: re.Match[str]) -> str | None:
        group = m.lastgroup or ""
        name = m.group(group)
        return self.by_name.get(name.upper() if group in self.mode.icase else name)

    def _begins(self, t: re.Match[str], icase: bool) -> bool:
        kf, kp = t.group("kf"), t.group("kp")
        if kf is not None:
            return (kf.upper() if icase else kf) in self.by_name
        if kp is not None:
            # Rare (a tail that looks like the start of a placeholder), so a scan of the names
            # costs less than building their prefixes for every request.
            k = kp.upper() if icase else kp
            return any(n.startswith(k) for n in self.by_name)
        return True  # only a bracket so far, or part of one

    def hold_point(self, s: str, pos: int) -> int:
        """The earliest position from `pos` on where the rest of `s` may still become a
        placeholder of this request."""
        best = len(s)
        start = max(pos, best - self.maxlen)
        window = s[start:]
        if not any(c in window for c in self.starts):
            return best
        for tail, icase in self.mode.tails:
            at = start
            while at < best:
                t = tail.search(s, at)
                if t is None or t.start() >= best:
                    break
                if self._begins(t, icase):
                    best = t.start()
                    break
                at = t.start() + 1
        return best

    def scan(self, s: str, pos: int, final: bool) -> tuple[str, int]:
        """Restore `s` from `pos`: returns the text that is settled and where it ends.

        A match that starts before the hold point cannot change with more text (its start is
        not a prefix of any longer match), so it is replaced at once; one that extends past the
        hold point moves it. A match whose name was not issued for this request stays as it is.
        """
        out: list[str] = []
        end = len(s)
        hold = end if final else self.hold_point(s, pos)
        for m in self.mode.rx.finditer(s, pos):
            if m.start() >= hold:
                break
            value = self.replacement(m)
            if value is None:
                continue
            out.append(s[pos : m.start()])
            out.append(value)
            pos = m.end()
            if pos > hold:
                hold = end if final else self.hold_point(s, pos)
        out.append(s[pos:hold])
        return "".join(out), hold

    def settle_broken(self, s: str, pos: int) -> str:
        """Restore `s` from `pos` when the text has broken off and will never continue: whole
        placeholders are restored (as at the end of a text), and a tail that can only be the
        beginning of a placeholder of this request (`<PE`) is dropped rather than sent half."""
        out: list[str] = []
        for m in self.mode.rx.finditer(s, pos):
            value = self.replacement(m)
            if value is None:
                continue
            out.append(s[pos : m.start()])
            out.append(value)
            pos = m.end()
        out.append(s[pos : self.hold_point(s, pos)])
        return "".join(out)


def _json_escape(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal in the request's JSON) cannot be written raw as UTF-8.
        return json.dumps(value)[1:-1]
    return json.dumps(value, ensure_ascii=False)[1:-1]


class Restorer:
    """The restore map of one exchange, compiled. One per request; it holds no stream state."""

    __slots__ = ("_compiled", "_mapping")

    def __init__(self, mapping: Mapping[str, str]) -> None:
        # Only keys in placeholder form: nothing else is ever issued.
        self._mapping = {k: v for k, v in mapping.items() if _CANONICAL.fullmatch(k)}
        self._compiled: dict[bool, _Compiled] = {}

    def __bool__(self) -> bool:
        return bool(self._mapping)

    def _get(self, json_string: bool) -> _Compiled:
        c = self._compiled.get(json_string)
        if c is None:
            # Compiled on first use: most answers need only one of the two modes.
            c = self._compiled[json_string] = self._compile(json_string)
        return c

    def _compile(self, json_string: bool) -> _Compiled:
        esc = _json_escape if json_string else str
        by_name = {
            m.group(1): esc(v) for k, v in self._mapping.items() if (m := _CANONICAL.fullmatch(k))
        }
        mode = _MODES[json_string]
        starts = ("<", "＜", "\\", *sorted({n[0] for n in by_name}))
        return _Compiled(mode, by_name, mode.overhead + max(map(len, by_name)), starts)

    def restore_text(self, text: str, *, json_string: bool = False) -> str:
        """Restore a whole text. With `json_string`, `text` is JSON source (tool-call arguments)
        and values are written JSON-escaped."""
        if not self._mapping or not text:
            return text
        return self._get(json_string).scan(text, 0, final=True)[0]

    def stream(self, *, json_string: bool = False) -> TextStreamRestorer:
        return TextStreamRestorer(self, json_string=json_string)


class TextStreamRestorer:
    """Restores one text that arrives in pieces. Concatenating every `feed` result and the final
    `flush` gives exactly `restore_text` of the concatenated input."""

    __slots__ = ("_c", "_ctx", "_held")

    def __init__(
        self, restorer: Restorer | Mapping[str, str], *, json_string: bool = False
    ) -> None:
        r = restorer if isinstance(restorer, Restorer) else Restorer(restorer)
        self._c = r._get(json_string) if r else None
        self._held = ""
        self._ctx = ""  # the last characters already passed on, for the lookbehinds

    @property
    def pending(self) -> str:
        """The text held back, not yet emitted."""
        return self._held

    def feed(self, chunk: str) -> str:
        if self._c is None:
            return chunk
        if not chunk:
            return ""
        if not self._held and not any(c in chunk for c in self._c.starts):
            # Most chunks: no placeholder can start in them, only the context moves on.
            self._ctx = (self._ctx + chunk)[-_CONTEXT:]
            return chunk
        return self._run(self._held + chunk, final=False)

    def flush(self) -> str:
        """Emit what is held back: the text has ended (or the caller cannot wait any longer)."""
        if self._c is None or not self._held:
            return ""
        return self._run(self._held, final=True)

    def abort(self) -> str:
        """The text broke off (the upstream failed mid-answer): what is held back, restored where
        it holds a whole placeholder; what could only be the start of one is dropped."""
        if self._c is None or not self._held:
            return ""
        ctx, held = self._ctx, self._held
        self._ctx, self._held = "", ""
        return self._c.settle_broken(ctx + held, len(ctx))

    def _run(self, text: str, final: bool) -> str:
        assert self._c is not None
        s = self._ctx + text
        out, pos = self._c.scan(s, len(self._ctx), final)
        self._held = s[pos:]
        self._ctx = s[max(0, pos - _CONTEXT) : pos]
        return out


# ---------------------------------------------------------------------------------------------
# Chat completions


_TEXT_FIELDS = ("content", "reasoning_content", "refusal")


def _as_restorer(r: Restorer | Mapping[str, str]) -> Restorer:
    return r if isinstance(r, Restorer) else Restorer(r)


def restore_completion(
    body: Mapping[str, Any], restorer: Restorer | Mapping[str, str]
) -> dict[str, Any]:
    """Restore a non-streamed chat completion (OpenAI-compatible, or DashScope's native
    `output`). Returns a new dict; `body` is not changed. Unknown fields are kept as they are."""
    r = _as_restorer(restorer)
    out = dict(body)
    if not r:
        return out
    choices = out.get("choices")
    if isinstance(choices, list):
        out["choices"] = [_restore_choice(c, r, "message") for c in choices]
    output = out.get("output")
    if isinstance(output, dict):  # DashScope native
        output = dict(output)
        if isinstance(output.get("text"), str):
            output["text"] = r.restore_text(output["text"])
        if isinstance(output.get("choices"), list):
            output["choices"] = [_restore_choice(c, r, "message") for c in output["choices"]]
        out["output"] = output
    return out


def _restore_choice(choice: Any, r: Restorer, key: str) -> Any:
    if not isinstance(choice, dict) or not isinstance(choice.get(key), dict):
        return choice
    choice = dict(choice)
    msg = choice[key] = dict(choice[key])
    for f in _TEXT_FIELDS:
        v = msg.get(f)
        if isinstance(v, str):
            msg[f] = r.restore_text(v)
        elif isinstance(v, list):  # content parts
            msg[f] = [
                {**p, "text": r.restore_text(p["text"])}
                if isinstance(p, dict) and isinstance(p.get("text"), str)
                else p
                for p in v
            ]
    if isinstance(msg.get("tool_calls"), list):
        msg["tool_calls"] = [_restore_call(tc, r) for tc in msg["tool_calls"]]
    if isinstance(msg.get("function_call"), dict):
        msg["function_call"] = _restore_function(msg["function_call"], r)
    return choice


def _restore_call(tc: Any, r: Restorer) -> Any:
    if isinstance(tc, dict) and isinstance(tc.get("function"), dict):
        return {**tc, "function": _restore_function(tc["function"], r)}
    return tc


def _restore_function(fn: dict[str, Any], r: Restorer) -> dict[str, Any]:
    if isinstance(fn.get("arguments"), str):
        return {**fn, "arguments": r.restore_text(fn["arguments"], json_string=True)}
    return fn


# ---------------------------------------------------------------------------------------------
# Streamed answers: what the formats' stream restorers read alike


def json_index(node: dict[str, Any], default: _T) -> int | _T:
    """`node["index"]` where the vendor sent a whole number there (JSON's true is no index),
    else `default`."""
    index = node.get("index")
    return index if isinstance(index, int) and not isinstance(index, bool) else default


def finishes(reason: Any) -> bool:
    """Whether a streamed choice's `finish_reason` ends it. DashScope writes the string "null"
    while the answer goes on."""
    return reason not in (None, "", "null")


# ---------------------------------------------------------------------------------------------
# Streamed chat completions (SSE)


def _nonempty(v: Any) -> bool:
    return isinstance(v, str) and v != ""


@dataclass(slots=True)
class _Tool:
    text: TextStreamRestorer
    index: int | None  # as the vendor sent it; None when it left `index` out
    id: str | None


@dataclass(slots=True)
class _ChoiceState:
    fields: dict[str, TextStreamRestorer] = field(default_factory=dict)
    tools: dict[int, _Tool] = field(default_factory=dict)
    tool_ids: dict[str, int] = field(default_factory=dict)
    last_tool: int | None = None
    function_call: TextStreamRestorer | None = None


class ChatStreamRestorer(sse.EventStreamRestorer):
    """Restores a streamed chat completion (reading, `close` and `abort`:
    guard.sse.EventStreamRestorer).

    Events without anything to restore pass through byte for byte; an event whose text changed
    is re-serialized as compact JSON.

    A placeholder split across events is written whole into the later event; the text held back
    meanwhile is written at the latest when the choice finishes, before `[DONE]`, or at `close`
    (then as an extra chunk event copying the last event's id, model, object and created).
    When a choice moves from one part of the answer to another (reasoning to content, content to
    tool calls), the part it left is flushed at once, so text is not shown out of order.
    """

    def __init__(self, mapping: Restorer | Mapping[str, str]) -> None:
        super().__init__(_as_restorer(mapping))
        self._choices: dict[int, _ChoiceState] = {}
        self._meta: dict[str, Any] = {}  # id, model, ... of the last event, for synthetic events

    # -- events --------------------------------------------------------------------------------

    def _whole(self, lines: list[bytes]) -> bool:
        """Whether an unterminated event's data is complete (whole JSON, or `[DONE]`)."""
        data = _data(lines)
        if data is None:
            return False
        if data[1].strip() == "[DONE]":
            return True
        try:
            json.loads(data[1])
        except ValueError:
            return False
        return True

    def _event(self, lines: list[bytes]) -> bytes:
        data = _data(lines)
        if data is None:
            return b"".join(lines)
        first, payload = data
        self._eol = b"\r\n" if first.endswith(b"\r\n") else b"\n"
        if payload.strip() == "[DONE]":
            return self._flush_all() + b"".join(lines)
        try:
            doc = json.loads(payload)
        except ValueError:
            return b"".join(lines)
        if not isinstance(doc, dict) or not self._restore_event(doc):
            return b"".join(lines)
        return sse.with_data(lines, doc)

    # -- choices -----------------------------------------------------------------------------

    def _restore_event(self, doc: dict[str, Any]) -> bool:
        changed = False
        choices = doc.get("choices")
        if isinstance(choices, list):
            self._meta = {
                k: doc[k]
                for k in ("id", "object", "created", "model", "system_fingerprint")
                if k in doc
            }
            for pos, ch in enumerate(choices):
                if isinstance(ch, dict):
                    changed |= self._restore_choice(ch, pos)
        return changed

    def _restore_choice(self, ch: dict[str, Any], pos: int) -> bool:
        idx = json_index(ch, pos)
        delta = ch.get("delta")
        finished = finishes(ch.get("finish_reason"))
        st = self._choices.get(idx)
        if st is None:
            st = self._choices[idx] = _ChoiceState()
        changed = False
        if not isinstance(delta, dict):
            if not finished or not self._pending(st):
                return False
            delta = ch["delta"] = {}
        calls = delta.get("tool_calls")
        fn = delta.get("function_call")
        active: set[str] = set()
        if not finished and self._pending(st):
            active = {f for f in _TEXT_FIELDS if _nonempty(delta.get(f))}
            if (isinstance(calls, list) and calls) or isinstance(fn, dict):
                active.add("tools")
        for f in _TEXT_FIELDS:
            v = delta.get(f)
            if isinstance(v, str):
                s = st.fields.get(f)
                if s is None:
                    s = st.fields[f] = self._r.stream()
                new = s.feed(v)
                if new != v:
                    delta[f] = new
                    changed = True
        entries: dict[int, dict[str, Any]] = {}  # this event's entry for each call, by key
        if isinstance(calls, list):
            for j, tc in enumerate(calls):
                if isinstance(tc, dict):
                    changed |= self._restore_call(st, tc, j, len(calls), entries)
        if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
            if st.function_call is None:
                st.function_call = self._r.stream(json_string=True)
            new = st.function_call.feed(fn["arguments"])
            if new != fn["arguments"]:
                fn["arguments"] = new
                changed = True
        if finished:
            changed |= self._flush_parts(st, delta, set(), entries)
        elif active:
            changed |= self._flush_parts(st, delta, active, entries)
        return changed

    def _restore_call(
        self,
        st: _ChoiceState,
        tc: dict[str, Any],
        j: int,
        n: int,
        entries: dict[int, dict[str, Any]],
    ) -> bool:
        tid = tc.get("id") if isinstance(tc.get("id"), str) and tc.get("id") else None
        vendor_index = json_index(tc, None)
        key: int
        if vendor_index is not None:
            key = vendor_index
        elif tid is not None:
            # Kimi may leave out `index`: a new id starts a new call.
            key = st.tool_ids.get(tid, max(st.tools, default=-1) + 1)
        elif n > 1:
            key = j
        else:
            # Neither index nor id: the continuation of the call being streamed.
            key = st.last_tool if st.last_tool is not None else 0
        if tid is not None:
            st.tool_ids[tid] = key
        st.last_tool = key
        entries[key] = tc
        tool = st.tools.get(key)
        if tool is None:
            tool = st.tools[key] = _Tool(self._r.stream(json_string=True), vendor_index, tid)
        fn = tc.get("function")
        if not isinstance(fn, dict) or not isinstance(fn.get("arguments"), str):
            return False
        new = tool.text.feed(fn["arguments"])
        if new == fn["arguments"]:
            return False
        fn["arguments"] = new
        return True

    @staticmethod
    def _pending(st: _ChoiceState) -> bool:
        return (
            any(s.pending for s in st.fields.values())
            or any(t.text.pending for t in st.tools.values())
            or (st.function_call is not None and bool(st.function_call.pending))
        )

    def _flush_parts(
        self,
        st: _ChoiceState,
        delta: dict[str, Any],
        exclude: set[str],
        entries: dict[int, dict[str, Any]],
        broken: bool = False,
    ) -> bool:
        """Write the held-back tails of the choice's parts (except `exclude`) into `delta`, after
        any text the delta already has for them (`entries`: its tool calls, by key). `broken`:
        the stream broke off, see `TextStreamRestorer.abort`; parts left empty are not written."""

        def tail_of(t: TextStreamRestorer) -> str:
            return t.abort() if broken else t.flush()

        changed = False
        for f, s in st.fields.items():
            if f in exclude or not s.pending:
                continue
            text = tail_of(s)
            if not text and broken:
                continue
            v = delta.get(f)
            delta[f] = (v if isinstance(v, str) else "") + text
            changed = True
        if "tools" in exclude:
            return changed
        for key, tool in sorted(st.tools.items()):
            if not tool.text.pending:
                continue
            tail = tail_of(tool.text)
            if not tail and broken:
                continue
            entry = entries.get(key)
            fn = entry.get("function") if entry is not None else None
            if isinstance(fn, dict):
                fn["arguments"] = (fn.get("arguments") or "") + tail
            else:
                calls = delta.get("tool_calls")
                if not isinstance(calls, list):
                    calls = delta["tool_calls"] = []
                new: dict[str, Any] = {}
                if tool.index is not None:
                    new["index"] = tool.index
                elif tool.id is not None:
                    new["id"] = tool.id
                new["function"] = {"arguments": tail}
                calls.append(new)
            changed = True
        if st.function_call is not None and st.function_call.pending:
            tail = tail_of(st.function_call)
            if tail or not broken:
                fn = delta.get("function_call")
                if not isinstance(fn, dict):
                    fn = delta["function_call"] = {}
                fn["arguments"] = (fn.get("arguments") or "") + tail
                changed = True
        return changed

    def _flush_all(self, broken: bool = False) -> bytes:
        """Everything still held back, as one extra chunk event (empty if nothing is held)."""
        choices = []
        for idx, st in sorted(self._choices.items()):
            if self._pending(st):
                delta: dict[str, Any] = {}
                if not self._flush_parts(st, delta, set(), {}, broken):
                    continue
                choices.append({"index": idx, "delta": delta, "finish_reason": None})
        if not choices:
            return b""
        doc = {**self._meta, "choices": choices}
        return sse.event(self._eol, b"data: " + sse.dumps(doc))


def _data(lines: list[bytes]) -> tuple[bytes, str] | None:
    """An event's first data line, and its data (every data line's value, joined); None when it
    has no data or its data is not UTF-8. Only data lines are read: a chat stream's events are
    told apart by their data alone."""
    data = [ln for ln in lines if ln[:5] == b"data:"]
    if not data:
        return None
    try:
        if len(data) == 1:  # as every vendor writes it
            return data[0], _field_value(data[0].decode("utf-8"))
        return data[0], "\n".join(_field_value(ln.decode("utf-8")) for ln in data)
    except UnicodeDecodeError:
        return None


def _field_value(line: str) -> str:
    v = line[5:].rstrip("\r\n")
    return v[1:] if v.startswith(" ") else v
