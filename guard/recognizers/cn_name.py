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


# Roles and titles written before a name ("设计师黄珊珊", "副领事史建邦", "记者马力"), and verbs of
# speech and thought after one ("刘海亮认为", "纪平表示"): context that makes surname + one or two
# characters a name where jieba's tagger does not see one.
_ROLE_BEFORE = (
    r"(?:记者|通讯员|编辑|主编|作者|设计师|工程师|总监|经理|总经理|董事长|总裁|主席|副主席|总统|总理|部长"
    r"|局长|市长|省长|县长|书记|院长|校长|主任|所长|厅长|处长|科长|队长|教练|主教练|球员|选手|前锋|后卫"
    r"|门将|导演|演员|歌手|主持人|作家|画家|艺术家|诗人|教授|博士|律师|医生|护士|法官|警官|民警|领事"
    r"|大使|发言人|创始人|负责人|合伙人|分析师|研究员|老师|同学|先生|女士|网友|村民|市民|居民|患者)"
)
_SPEECH_AFTER = (
    r"(?:表示|认为|说|称|指出|介绍|透露|强调|告诉|坦言|笑称|回忆|解释|补充|建议|承认|否认|宣布|感叹|提醒"
    r"|呼吁|直言|说道|问道|答道|透露说|表示说)"
)
# Characters of transliterated foreign names (托雷斯, 德罗巴, 奥巴马); jieba tags many such names
# nr or nrt without a Chinese surname in front.
_TRANSLIT = frozenset(
    "阿埃艾爱安昂奥巴拜班邦保鲍贝本比彼宾波伯布查达代戴丹道德登迪蒂丁东杜敦多厄恩尔法凡范菲费芬丰弗福盖甘"
    "戈格贡古瓜圭果哈海汉豪赫亨洪胡华怀惠霍基吉加贾杰金卡凯坎康考科克肯库夸奎拉莱赖兰朗劳勒雷黎里利莉连"
    "林琳隆卢鲁路伦罗洛马迈曼芒梅蒙米明姆莫默穆纳奈南内尼宁纽努诺欧帕派潘庞佩彭皮珀普奇齐恰乔切钦琼丘萨"
    "赛桑瑟森沙尚舍什斯松苏索塔泰坦汤唐特滕提图托瓦万旺威韦维温沃乌西希谢辛休雅亚扬耶伊因英尤约扎泽詹"
    "珍兹祖佐娜丝黛蕾妮茜琪薇芙丽热力木提买江麦汗吾孜依哲玉罕古帕夏尕措旦增卓嘎次仁顿珠央宗拉姆"
)

_TRANSLIT_CLASS = "[" + "".join(sorted(_TRANSLIT)) + "]"

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
            elif (flag == "nr" and 2 <= len(word) <= 4 and _plausible_name(word)) or (
                flag in _NAME_TAGS and _transliterated(word)
            ):
                span = (starts[i], starts[i] + len(word))
            if span is not None:
                spans.append(span)
            i += 1
    return spans


def _transliterated(word: str) -> bool:
    """A foreign name in Chinese characters: every character one used for transliteration, and
    the word no common word (爱尔兰, Ireland, and 切尔西 are frequent; 托雷斯 is less so)."""
    return 2 <= len(word) <= 6 and all(c in _TRANSLIT for c in word) and zipf(word, "zh") < 3.5


def _given_length(text: str, at: int) -> int:
    """One or two given-name characters at `at` (a common word or a stop character after the
    first ends the name early)."""
    if at + 1 >= len(text) or text[at + 1] in _STOP or not _is_han(text[at + 1]):
        return 1
    return 1 if _starts_word(text, at + 1) else 2


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


class CnNameRecognizer(GuardRecognizer):
    ENTITIES = ("PERSON",)
    RULES = (
        Rule("name with title", rf"({_SURNAME}{_HAN}{{1,2}}?)(?={_TITLE})", 0.8, 0.8, group=1),
        # parts written with the characters of transliteration only: "西摩尔·霍夫曼", not
        # "中国体育彩票·新长城" or "吕祖谦撰·详注"
        Rule(
            "transliterated name",
            rf"{_TRANSLIT_CLASS}{{1,8}}[·・•‧]{_TRANSLIT_CLASS}{{1,8}}(?:[·・•‧]{_TRANSLIT_CLASS}{{1,8}})?",
            0.8,
            0.9,
        ),
    )
    _LABELLED = re.compile(rf"{_LABEL}({_SURNAME})({_HAN}{{1,2}})")
    _AFTER_ROLE = re.compile(rf"{_ROLE_BEFORE}({_SURNAME})(?={_HAN})")
    # a name right before a verb of speech, at the start of a clause: "，纪平表示", "刘海亮认为"
    _SPEECH_NAME = re.compile(
        rf"(?:^|(?<=[，。；：、“”！？\s（）《》\d]|[而据但和与及]))({_SURNAME}{_HAN}{{1,2}}?)(?={_SPEECH_AFTER})"
    )
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
        for m in self._AFTER_ROLE.finditer(text):
            at = m.end(1)
            if text[at] in _STOP:
                continue
            end = at + _given_length(text, at)
            if zipf(text[m.start(1) : end], "zh") < 3.5:
                results.append(self.result("PERSON", m.start(1), end, 0.75))
        for m in self._SPEECH_NAME.finditer(text):
            name = m.group(1)
            given = name[len(_surname_of(name)) :]
            if name[-1] in _STOP or zipf(name, "zh") > 0 or (len(given) == 2 and zipf(given, "zh") >= 4.5):
                continue
            results.append(self.result("PERSON", m.start(1), m.end(1), 0.7))
        if has_cjk(text):
            for start, end in tagged_names(text):
                results.append(self.result("PERSON", start, end, self.TAGGED_SCORE))
        return results
