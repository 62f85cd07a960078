"""Chinese street addresses: administrative units (省/市/区/县/镇) down to road and number
(路/街/道 ... 号), optionally building, unit and room."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import CJK_CHARS

_H = f"[{CJK_CHARS}]"
_ADDRESS = (
    rf"(?:{_H}{{2,7}}?(?:省|自治区|特别行政区))?(?:{_H}{{2,7}}?(?:市|州|盟))?"
    rf"(?:{_H}{{1,7}}?(?:区|县|旗))?(?:{_H}{{1,8}}?(?:街道|镇|乡))?"
    rf"{_H}[{CJK_CHARS}0-9]{{0,12}}?(?:路|街|大道|道|巷|弄|胡同|里)"
    r"[0-9]{1,5}(?:-[0-9]{1,4})?(?:号|號)(?:院)?"
    r"(?:[0-9A-Za-z]{1,4}(?:号楼|栋|幢|座|楼))?(?:[0-9]{1,3}单元)?(?:[0-9]{1,5}(?:室|号房|房)?)?"
)
# Words that lead into an address but are not part of it ("我住在", "寄到").
_LEAD_IN = re.compile(
    r"^.*?(?:住在|住址是|住址为|地址是|地址为|地址|位于|寄到|送到|搬到|来自|在|于|是|到)"
)
_ADMIN = re.compile(r"省|市|区|县|自治区")


class CnAddressRecognizer(GuardRecognizer):
    ENTITIES = ("STREET_ADDRESS",)
    RULES = (Rule("address", _ADDRESS, 0.75, 0.9),)
    CONTEXT = ("地址", "住址", "住在", "收货", "寄到", "address", "Adresse")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        for r in results:
            value = text[r.start : r.end]
            first_admin = _ADMIN.search(value)
            head = value[: first_admin.start()] if first_admin else value[:6]
            lead = _LEAD_IN.match(head)
            if lead:
                r.start += lead.end()
        return [r for r in results if r.end - r.start >= 4]
