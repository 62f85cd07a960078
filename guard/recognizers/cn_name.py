"""Chinese personal names: a surname (compound ones first) and a one- or two-character given
name, where a label or title marks it as a name; and transliterated names joined by a middle dot.

Surnames alone are common characters (王 in 王国, 高 in 高兴), so a bare surname+character is not
a name; the label before ("姓名：", "我叫", "患者") or the title after ("先生", "医生") is.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.lexicon import data_terms
from guard.recognizers.text import CJK_CHARS


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
    r"持卡人|户主|员工|同事|朋友|老板|经理|医生|主任|老师|同学|"
    # verbs whose object is usually a person: "发给欧阳娜娜", "告诉王伟"
    r"发给|交给|转给|寄给|递给|告诉|通知|联系|抄送|拜访|问候|感谢|邀请|提醒|见到)(?:是|为|叫)?\s?[:：]?\s?"
)
_TITLE = r"(?:先生|女士|小姐|太太|老师|医生|大夫|教授|经理|总监|主任|同学|护士|律师|阿姨|师傅|老板)"
# Characters that end a given name early: particles, verbs and time words that follow names.
_STOP = set(
    "的是在说了和与跟给把被向对从昨去来患因于也都就还又很请要想到得，。、；：！？ 年月日岁个"
)


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

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        for m in self._LABELLED.finditer(text):
            given = m.group(2)
            if given[0] in _STOP:
                continue
            if len(given) == 2 and given[1] in _STOP:
                given = given[:1]
            start = m.start(1)
            results.append(self.result("PERSON", start, m.start(2) + len(given), 0.85))
        return results
