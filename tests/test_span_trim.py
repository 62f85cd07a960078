"""Spans are trimmed to the value: the vendor gets every word around a replaced value (issue 9.5),
and Chinese names without a label are found (issue 9.3)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guard.detect import Detector
from guard.policy import Policy
from guard.recognizers.trim import trim
from guard.scan import scan_text
from guard.transform import Transformer
from tests.recognizer_cases import assert_found, assert_not_found

PLACEHOLDER = r"<[A-Z_]+_\d+>"


def vendor_text(detector: Detector, policy: Policy, text: str) -> str:
    result = scan_text(text, policy, detector, Transformer(b"test-key"))
    assert result.blocked is None
    return result.text


@pytest.mark.parametrize(
    ("text", "vendor_sees"),
    [
        ("Remind Peter Braun of the meeting.", "Remind <PERSON_1> of the meeting."),
        (
            "Email Maria Gonzalez at noon. Later Maria Gonzalez called.",
            "Email <PERSON_1> at noon. Later <PERSON_1> called.",
        ),
        ("Call me (+1 415-555-0132) today", "Call me (<PHONE_NUMBER_1>) today"),
        ("张三和李四", "<PERSON_1>和<PERSON_2>"),
        ("李娜女士", "<PERSON_1>女士"),
        ("住址北京市朝阳区建国路88号", "住址<STREET_ADDRESS_1>"),
        ("Fill it in for John Miller", "Fill it in for <PERSON_1>"),
        ("通知陈静明天开会", "通知<PERSON_1>明天开会"),
        ("联系方式：13800138000", "联系方式：<PHONE_NUMBER_1>"),
    ],
)
def test_the_reported_spans_are_trimmed(
    detector: Detector, kimi_policy: Policy, text: str, vendor_sees: str
) -> None:
    assert vendor_text(detector, kimi_policy, text) == vendor_sees


@pytest.mark.parametrize(
    ("text", "span", "entity", "value"),
    [
        ("Remind Peter Braun", (0, 18), "PERSON", "Peter Braun"),
        ("Dear Mr. John Miller,", (0, 21), "PERSON", "John Miller"),
        ("Hendrix's guitar", (0, 9), "PERSON", "Hendrix"),
        # epithets and titles of nobility are part of the name; an HTML entity is not
        ("Mother Teresa visited", (0, 13), "PERSON", "Mother Teresa"),
        ("Lady Gaga &amp; friends", (0, 15), "PERSON", "Lady Gaga"),
        ("Signed, J. R. Smith.", (8, 20), "PERSON", "J. R. Smith"),
        ("contact John Q. Public today", (8, 22), "PERSON", "John Q. Public"),
        ("(+1 415-555-0132)", (1, 17), "PHONE_NUMBER", "+1 415-555-0132"),
        ("Tel: +49 30 1234567", (0, 19), "PHONE_NUMBER", "+49 30 1234567"),
        ('"maria@example.com"', (0, 19), "EMAIL_ADDRESS", "maria@example.com"),
        ("和李四", (0, 3), "PERSON", "李四"),
        ("李娜女士", (0, 3), "PERSON", "李娜"),
        ("地址：上海市浦东新区世纪大道100号。", (0, 19), "STREET_ADDRESS", "上海市浦东新区世纪大道100号"),
        # secrets keep every character: a password may end in "!", a PEM block in dashes
        ("Password=Pa55w0rd!;", (9, 18), "PASSWORD", "Pa55w0rd!"),
    ],
)
def test_trim(text: str, span: tuple[int, int], entity: str, value: str) -> None:
    got = trim(text, *span, entity)
    assert got is not None
    assert text[got[0] : got[1]] == value


@pytest.mark.parametrize(("text", "span"), [("Fill", (0, 4)), ("Remind", (0, 6)), ("Dear Mr.", (0, 8))])
def test_a_span_with_no_name_left_is_dropped(text: str, span: tuple[int, int]) -> None:
    assert trim(text, *span, "PERSON") is None


# The property: a value the detector finds, placed in sentences whose neighbours are verbs,
# conjunctions, honorifics, labels and punctuation, is replaced exactly and only it.
VALUES_AND_FRAMES = {
    "name": (
        ["Peter Braun", "Maria Gonzalez", "John Miller", "Aisha Khan", "Lars Johansson"],
        [
            "Remind {v} of the meeting.",
            "Email {v} at noon.",
            "Fill it in for {v}.",
            "Please call {v} tomorrow.",
            "I met {v}, and we talked.",
            "Dear {v},\nthanks for the update.",
            "({v}) will join.",
            '"{v}" signed the form.',
            "Meeting with {v}; agenda attached.",
            "Mr. {v} is here.",
            "Ask {v} about it.",
            "Thanks {v}!",
            "Invite {v} and the whole team.",
        ],
    ),
    "email": (
        ["maria.gonzalez@example.com", "k.vogel@acme.de"],
        ["Write to <{v}> today.", "(mail: {v})", "Email {v}, please.", 'Send it to "{v}".'],
    ),
    "phone": (
        ["+1 415-555-0132", "+49 30 1234 5678", "138-0013-8000"],
        ["Call me ({v}) today.", "Tel: {v}", "Phone {v}, thanks.", "My number is {v}.", "[{v}]"],
    ),
    "chinese name": (
        ["王小明", "欧阳娜娜", "陈静"],
        ["请给{v}写一封信。", "{v}女士你好", "我和{v}去了。", "联系人：{v}，电话", "通知{v}明天开会"],
    ),
    "chinese address": (
        ["北京市朝阳区建国路88号", "上海市浦东新区世纪大道100号"],
        ["住址{v}", "地址：{v}。", "他住在{v}，", "寄到{v}。"],
    ),
}
CASES = [(v, f) for values, frames in VALUES_AND_FRAMES.values() for v in values for f in frames]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES))
def test_a_value_in_varied_sentences_is_replaced_exactly(
    detector: Detector, kimi_policy: Policy, case: tuple[str, str]
) -> None:
    value, frame = case
    before, after = frame.split("{v}")
    got = vendor_text(detector, kimi_policy, frame.format(v=value))
    assert re.fullmatch(re.escape(before) + PLACEHOLDER + re.escape(after), got), got


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("请给王小明写一封信。", "王小明"),
        ("王小明昨天来过。", "王小明"),
        ("我和欧阳娜娜去了", "欧阳娜娜"),
        ("请通知陈静明天开会", "陈静"),
    ],
)
def test_chinese_names_without_a_label(detector: Detector, text: str, value: str) -> None:
    assert_found(detector, text, "PERSON", value)


@pytest.mark.parametrize(
    "text",
    [
        "我明白了，谢谢",
        "创建文明城市",
        "石家庄的天气不错",
        "和平饭店",
        "许可证已经过期",
        "联系方式：请发邮件",
    ],
)
def test_common_words_are_not_chinese_names(detector: Detector, text: str) -> None:
    assert_not_found(detector, text, "PERSON")
