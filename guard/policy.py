"""Per-vendor redaction policies: the YAML schema, its validation, and the decision per finding.

A policy is data a security team owns. It is validated once, at start-up (and by
`guard policy check`), and every error names the file, the key and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from guard.entities import CATEGORIES, ENTITY_CATEGORIES, Category, is_known
from guard.errors import ConfigError

Action = Literal["allow", "redact", "mask", "hash", "pseudonymize", "block"]
ACTIONS: tuple[str, ...] = ("allow", "redact", "mask", "hash", "pseudonymize", "block")


def _shorthand(value: Any) -> Any:
    # `PERSON: redact` is shorthand for `PERSON: {action: redact}`.
    return {"action": value} if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleModel(_Strict):
    action: Action
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # pseudonymize only: put the real value back into the answer the client receives
    restore: bool | None = None
    reason: str | None = None


Rule = Annotated[RuleModel, BeforeValidator(_shorthand)]


class DenyTermModel(_Strict):
    term: str = Field(min_length=1)
    category: Category = "pii"
    action: Action | None = None  # default: the category's action
    reason: str | None = None


class LanguageModel(_Strict):
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    categories: dict[Category, Rule] = Field(default_factory=dict)
    entities: dict[str, Rule] = Field(default_factory=dict)

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: dict[str, RuleModel]) -> dict[str, RuleModel]:
        return _check_entities(value)


class DefaultsModel(_Strict):
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    restore: bool = True


def _as_list(value: Any) -> Any:
    # `vendor_sees: "..."` is shorthand for a list of one.
    items = value if isinstance(value, list) else [value]
    if any(isinstance(v, int | float) for v in items):
        # YAML reads 0123 as 83 and 1_000 as 1000: the number is not the text that was meant.
        raise ValueError("write numbers in quotes (e.g. '0123'): unquoted, YAML reads them as numbers")
    return items


Texts = Annotated[list[str], BeforeValidator(_as_list)]


class ExpectedFinding(_Strict):
    """One finding a policy test expects: `{entity: PERSON, action: pseudonymize}`."""

    entity: str | None = None
    category: Category | None = None
    action: Action | None = None
    text: str | None = None  # the span the finding covers, as written in the test's text

    @field_validator("entity")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None:
            _check_entities({value: None})
        return value

    @model_validator(mode="after")
    def _something(self) -> ExpectedFinding:
        if self.entity is None and self.category is None:
            raise ValueError("name the entity or the category that must be found")
        if self.action == "allow":
            # An allowed value is not transformed, so it is no finding of the request; what an
            # allowed value means is that the vendor sees it.
            raise ValueError("`allow` is no finding: check that the vendor sees the value with vendor_sees")
        return self


class PolicyTestModel(_Strict):
    """A case of the policy's own tests (`guard policy test`): an input and what must happen."""

    name: str | None = None
    # the input: a text (sent as one user message) or a small chat body's messages
    text: str | None = None
    messages: list[dict[str, Any]] | None = Field(default=None, min_length=1)
    # what must happen
    blocked: bool | str | None = None  # true, false, an entity type or a category
    vendor_sees: Texts = Field(default_factory=list)
    vendor_sees_not: Texts = Field(default_factory=list)
    finds: list[ExpectedFinding] = Field(default_factory=list)
    finds_not: list[str] = Field(default_factory=list)  # entity types no action may touch
    answer: str | None = None  # a vendor's answer, written with the placeholders it would see
    client_sees: Texts = Field(default_factory=list)  # ... and what the client must get back

    @field_validator("finds_not")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        _check_entities(dict.fromkeys(value))
        return value

    @field_validator("blocked")
    @classmethod
    def _known_block(cls, value: bool | str | None) -> bool | str | None:
        if isinstance(value, str) and value not in CATEGORIES:
            _check_entities({value: None})
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PolicyTestModel:
        if (self.text is None) == (self.messages is None):
            raise ValueError("give the input as `text` or as `messages` (one of the two)")
        if (self.answer is None) != (not self.client_sees):
            raise ValueError("`answer` and `client_sees` go together")
        if self.blocked in (None, False) and not (
            self.vendor_sees or self.vendor_sees_not or self.finds or self.finds_not or self.client_sees
        ):
            raise ValueError(
                "say what must happen: blocked, vendor_sees, vendor_sees_not, finds, finds_not "
                "or answer with client_sees"
            )
        if self.blocked not in (None, False) and (
            self.vendor_sees or self.finds or self.finds_not or self.answer is not None
        ):
            raise ValueError(
                "a blocked request reaches no vendor and gets no answer: vendor_sees, finds, "
                "finds_not and answer cannot be checked with blocked"
            )
        return self


class PolicyModel(_Strict):
    version: Literal[1] = 1
    vendor: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    defaults: DefaultsModel = Field(default_factory=DefaultsModel)
    categories: dict[Category, Rule]
    entities: dict[str, Rule] = Field(default_factory=dict)
    languages: dict[Literal["en", "zh", "de"], LanguageModel] = Field(default_factory=dict)
    allow_list: list[str] = Field(default_factory=list)
    allow_patterns: list[str] = Field(default_factory=list)
    deny_list: list[
        Annotated[
            DenyTermModel, BeforeValidator(lambda v: {"term": v} if isinstance(v, str) else v)
        ]
    ] = Field(default_factory=list)
    # The policy's own tests, run by `guard policy test`; the proxy only validates them.
    tests: list[PolicyTestModel] = Field(default_factory=list)

    @field_validator("categories")
    @classmethod
    def _every_category(cls, value: dict[str, RuleModel]) -> dict[str, RuleModel]:
        missing = [c for c in CATEGORIES if c not in value]
        if missing:
            raise ValueError(f"every category needs an action; missing: {', '.join(missing)}")
        return value

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: dict[str, RuleModel]) -> dict[str, RuleModel]:
        return _check_entities(value)

    @field_validator("allow_patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return value


def _check_entities(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(e for e in value if not is_known(e))
    if unknown:
        raise ValueError(
            f"unknown entity type(s) {', '.join(unknown)}; known types are listed by `guard entities`"
        )
    return value


@dataclass(frozen=True)
class Decision:
    action: Action
    restore: bool
    source: str  # which key of the policy decided: e.g. "entities.PERSON" or "categories.health"


class Policy:
    """A validated policy, ready to decide. Immutable and shared by all requests."""

    def __init__(self, model: PolicyModel, path: str, digest: str) -> None:
        self.model = model
        self.path = path
        # Changes whenever the file does: caches of decisions key on it.
        self.digest = digest
        self._allow_terms = frozenset(_norm(t) for t in model.allow_list)
        self._allow_res = [re.compile(p) for p in model.allow_patterns]
        self.deny_terms = [
            (d, re.compile(_term_regex(d.term), re.IGNORECASE)) for d in model.deny_list
        ]

    @property
    def vendor(self) -> str:
        return self.model.vendor

    @property
    def file_name(self) -> str:
        """The file's name without its folder: what errors sent to clients may name."""
        return Path(self.path).name

    def threshold(self, entity_type: str, language: str = "en") -> float:
        lang = self.model.languages.get(language)  # type: ignore[call-overload]
        for rule in self._rules(entity_type, lang):
            if rule[0].threshold is not None:
                return rule[0].threshold
        if lang is not None and lang.threshold is not None:
            return lang.threshold
        return self.model.defaults.threshold

    def decide(
        self, entity_type: str, language: str = "en", category: Category | None = None
    ) -> Decision:
        lang = self.model.languages.get(language)  # type: ignore[call-overload]
        rules = self._rules(entity_type, lang, category)
        rule, source = rules[0]
        restore = rule.restore if rule.restore is not None else self.model.defaults.restore
        return Decision(rule.action, restore and rule.action == "pseudonymize", source)

    def _rules(
        self, entity_type: str, lang: LanguageModel | None, category: Category | None = None
    ) -> list[tuple[RuleModel, str]]:
        """Rules that apply, most specific first: language entity, entity, language category, category."""
        cat = category or ENTITY_CATEGORIES[entity_type]
        found: list[tuple[RuleModel, str]] = []
        if lang is not None and entity_type in lang.entities:
            found.append((lang.entities[entity_type], f"languages.entities.{entity_type}"))
        if entity_type in self.model.entities:
            found.append((self.model.entities[entity_type], f"entities.{entity_type}"))
        if lang is not None and cat in lang.categories:
            found.append((lang.categories[cat], f"languages.categories.{cat}"))
        found.append((self.model.categories[cat], f"categories.{cat}"))
        return found

    def is_allowed_term(self, value: str) -> bool:
        if _norm(value) in self._allow_terms:
            return True
        return any(r.fullmatch(value) for r in self._allow_res)


def policy_warnings(
    policy: Policy, loaded_for: Sequence[str] = (), vendors: Sequence[str] = ()
) -> list[str]:
    """Settings that are valid but likely mistakes, for `guard policy check` and the start-up
    log. `loaded_for`: the vendors the config loads this file for; `vendors`: every vendor the
    config knows."""
    m = policy.model
    out: list[str] = []
    if loaded_for and m.vendor not in loaded_for:
        out.append(
            f"vendor: {m.vendor!r}, but the file is loaded for {', '.join(loaded_for)}: "
            "a typo, or the policy of another vendor?"
        )
    elif not loaded_for and vendors and m.vendor not in vendors:
        out.append(
            f"vendor: {m.vendor!r} names no configured vendor ({', '.join(sorted(vendors))})"
        )
    places: list[tuple[str, RuleModel, bool]] = [
        *((f"categories.{c}", r, True) for c, r in m.categories.items()),
        *((f"entities.{e}", r, False) for e, r in m.entities.items()),
    ]
    for lang, lm in m.languages.items():
        places += [(f"languages.{lang}.categories.{c}", r, True) for c, r in lm.categories.items()]
        places += [(f"languages.{lang}.entities.{e}", r, False) for e, r in lm.entities.items()]
    for where, rule, is_category in places:
        if rule.restore and rule.action != "pseudonymize":
            out.append(
                f"{where}: restore: true does nothing with action {rule.action}; only "
                "pseudonymize puts values back"
            )
        if is_category and rule.action == "allow" and not rule.reason:
            out.append(
                f"{where}: allow sends every value of the category to the vendor as written; "
                "say why in a reason"
            )
    return out


def _norm(term: str) -> str:
    return " ".join(term.casefold().split())


def _term_regex(term: str) -> str:
    # Whole-term match, tolerant of whitespace variation; \b would fail next to CJK characters,
    # so the boundary is "not a letter or digit" instead.
    body = r"\s+".join(re.escape(part) for part in term.split())
    return rf"(?<![^\W_]){body}(?![^\W_])"


def load_policy(path: str | Path) -> Policy:
    """Read and validate one policy file; ConfigError names the file, key and reason."""
    import hashlib

    p = Path(path)
    try:
        raw_bytes = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read policy file: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{p}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{p}: a policy is a mapping of keys (vendor, rationale, categories, ...)"
        )
    try:
        model = PolicyModel.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{p}: " + "; ".join(_describe(e) for e in exc.errors())) from None
    return Policy(model, str(p), hashlib.sha256(raw_bytes).hexdigest()[:16])


def _describe(error: Any) -> str:
    loc = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        msg = "unknown key"
    elif error["type"] == "literal_error":
        msg = f"{msg} (got {error.get('input')!r})"
    msg = msg.removeprefix("Value error, ")
    return f"{loc or '(top level)'}: {msg}"
