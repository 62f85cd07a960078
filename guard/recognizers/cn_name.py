"""Chinese personal names: a surname (compound ones first) and a one- or two-character given
name, where a label or title marks it as a name; and transliterated names joined by a middle dot.

Surnames alone are common characters (王 in 王国, 高 in 高兴), so a bare surname+character is not
a name; the label before ("姓名：", "我叫", "患者") or the title after ("先生", "医生") is.

Names without a label ("帮我给杜敏写一封信") come from jieba's part-of-speech tagger, which tags
person names `nr` (from its dictionary and an HMM over unknown words): a word tagged `nr` counts
only when it starts with a surname of our list, or is a surname that the next word completes
("尉迟/nr 明"). jieba runs on the runs of Han characters only, and its dictionary is read once
when the recognizer is built, never from or to a cache file.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.lexicon import data_terms
from guard.recognizers.text import CJK_CHARS, has_cjk
from guard.recognizers.words import zipf


def _surnames() -> tuple[list[str], list[str]]:
    compound: list[str] = []
    single: list[str] = []
    for line in data_terms("cn_surnames.txt"):
        for s in line.split():
            (compound if len(s) > 1 else single).append(s)
    return compound, single


_COMPOUND, _SINGLE = _surnames()
_SURNAME = "(?:" + "|".join(_COMPOUND) + "|[" + "".join(_SINGLE) + "])"
_HAN = f"[{CJK_CHARS}]"
_LABEL = (
    r"(?:姓名|名字|我叫|我是|他叫|她叫|名叫|叫做|患者|病人|客户|联系人|收件人|收货人|负责人|申请人|"
    r"持卡人|户主|员工|同事|朋友|老板|经理|医生|主任|老师|同学|收款人|付款人|汇款人|开户人|开户名|账户名|"
    r"户名|经办人|法人|法定代表人|紧急联系人|家属|监护人|被保险人|投保人|受益人|寄件人|签收人|"
    # verbs whose object is usually a person: "发给欧阳娜娜", "告诉王伟"
    r"发给|交给|转给|寄给|递给|告诉|通知|联系|抄送|拜访|问候|感谢|邀请|提醒|见到)"
    # "姓名：王伟", "姓名是王伟", and JSON: "姓名": "王伟"
    r"(?:是|为|叫)?[\"']?\s?[:：=]?\s?[\"']?"
)
_TITLE = r"(?:先生|女士|小姐|太太|老师|医生|大夫|教授|经理|总监|主任|同学|护士|律师|阿姨|师傅|老板)"
# Characters that end a given name early: particles, verbs and time words that follow names.
_STOP = set(
    "的是在说了和与跟给把被向对从昨去来患因于也都就还又很请要想到得，。、；：！？ 年月日岁个"
)


_SURNAME_SET = frozenset(_COMPOUND) | frozenset(_SINGLE)
_HAN_RUN = re.compile(f"[{CJK_CHARS}]{{2,}}")
# jieba tags that may complete a surname into a name ("尉迟/nr 明/a", "许/m 海红/nz").
_GIVEN_TAGS = frozenset({"nr", "nrt", "nz", "ng", "a", "ag", "n", "j", "nrfg"})
_NAME_TAGS = frozenset({"nr", "nrt", "nrfg"})
# Tags of words that are surnames only by spelling: "和" (and), "与" (with), "向" (towards).
_FUNCTION_TAGS = frozenset({"c", "p", "r", "d", "u", "uj", "ul", "uz", "ug", "ud", "uv", "y", "e", "o", "f"})


class _Tagger:
    """jieba's part-of-speech tagger, built once per process without its cache file."""

    _lock = threading.Lock()
    _instance: Any = None

    @classmethod
    def get(cls) -> Any:
        with cls._lock:
            if cls._instance is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                # What Tokenizer.initialize does, minus reading and writing a cache in tempdir.
                with tokenizer.get_dict_file() as f:
                    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(f)
                tokenizer.initialized = True
                # jieba.posseg's module tagger has read the word tags already: share them.
                tagger = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
                tagger.tokenizer = tokenizer
                tagger.word_tag_tab = jieba.posseg.dt.word_tag_tab
                cls._instance = tagger
            return cls._instance


def starts_with_surname(text: str) -> bool:
    """The text begins with a Chinese surname followed by one or two more characters."""
    sur = _surname_of(text)
    return bool(sur) and 1 <= len(text) - len(sur) <= 2


def _surname_of(word: str) -> str:
    if word[:2] in _COMPOUND:
        return word[:2]
    return word[:1] if word[:1] in _SURNAME_SET else ""


def _plausible_name(word: str) -> bool:
    sur = _surname_of(word)
    if not sur or not 1 <= len(word) - len(sur) <= 2 or word[len(sur)] in _STOP:
        return False
    # jieba's dictionary tags many common words `nr` because they are also names or contain one
    # (明白, 文明, 谢谢, 许可证, 石家庄). Those are common in running text; a person's name is
    # not (王小明, 陈静), so a word as frequent as one in a million (wordfreq) is not taken.
    if zipf(word, "zh") > 0:
        return False
    return word[0] != word[1]


def _starts_word(text: str, at: int) -> bool:
    """A common two-character word starts at `at` ("陈静明天": 明天 is no part of the name)."""
    return zipf(text[at : at + 2], "zh") >= 4.0


def tagged_names(text: str) -> list[tuple[int, int]]:
    """Spans of person names jieba finds in the Han runs of `text` (see the module docstring)."""
    tagger = _Tagger.get()
    spans: list[tuple[int, int]] = []
    for run in _HAN_RUN.finditer(text):
        words = [(w.word, w.flag) for w in tagger.cut(run.group())]
        pos = run.start()
        starts = []
        for w, _ in words:
            starts.append(pos)
            pos += len(w)
        i = 0
        while i < len(words):
            word, flag = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else ("", "x")
            span: tuple[int, int] | None = None
            if (
                word in _SURNAME_SET
                and flag not in _FUNCTION_TAGS
                and 1 <= len(nxt[0]) <= 2
                and nxt[1] in _GIVEN_TAGS
            ):
                # a surname the tagger split from its given name: "尉迟 明", "司徒 颖"
                if (flag in _NAME_TAGS or nxt[1] in _NAME_TAGS or len(word) == 2) and (
                    len(nxt[0]) == 1 or nxt[1] in _NAME_TAGS
                ):
                    span = (starts[i], starts[i] + len(word) + len(nxt[0]))
                    i += 1
            elif flag == "nr" and 2 <= len(word) <= 4 and _plausible_name(word):
                span = (starts[i], starts[i] + len(word))
            if span is not None:
                spans.append(span)
            i += 1
    return spans


class CnNameRecognizer(GuardRecognizer):
    ENTITIES = ("PERSON",)
    RULES = (
        Rule("name with title", rf"({_SURNAME}{_HAN}{{1,2}}?)(?={_TITLE})", 0.8, 0.8, group=1),
        Rule(
            "transliterated name",
            rf"{_HAN}{{1,8}}[·・•‧]{_HAN}{{1,10}}(?:[·・•‧]{_HAN}{{1,10}})?",
            0.8,
            0.9,
        ),
    )
    _LABELLED = re.compile(rf"{_LABEL}({_SURNAME})({_HAN}{{1,2}})")
    # A name the tagger found without a label or title: weaker than a labelled one, still above
    # the usual threshold (0.5).
    TAGGED_SCORE = 0.7

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language)
        _Tagger.get()  # at detector start-up, not on the first Chinese request

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        for m in self._LABELLED.finditer(text):
            given = m.group(2)
            if given[0] in _STOP:
                continue
            if len(given) == 2 and (given[1] in _STOP or _starts_word(text, m.start(2) + 1)):
                given = given[:1]
            start, end = m.start(1), m.start(2) + len(given)
            # "联系方式" (contact details) is a word, not the label 联系 and a name 方式.
            if zipf(text[start:end], "zh") >= 3.5 or zipf(text[m.start() : end], "zh") > 0:
                continue
            results.append(self.result("PERSON", start, end, 0.85))
        if has_cjk(text):
            for start, end in tagged_names(text):
                results.append(self.result("PERSON", start, end, self.TAGGED_SCORE))
        return results
