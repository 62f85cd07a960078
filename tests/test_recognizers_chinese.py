"""Chinese identifiers: resident ID, phones, bank cards, passports, names, addresses, USCC."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("身份证号码11010519491231002X", "CN_RESIDENT_ID", "11010519491231002X"),
        ("身份证：11010519491231002x。", "CN_RESIDENT_ID", "11010519491231002x"),
        ("ID 440301199003071230 please", "CN_RESIDENT_ID", "440301199003071230"),
        ("证件号 110101 19851122 0018", "CN_RESIDENT_ID", "110101 19851122 0018"),
        (
            "身份证１１０１０５１９４９１２３１００２Ｘ",
            "CN_RESIDENT_ID",
            "１１０１０５１９４９１２３１００２Ｘ",
        ),
        ("手机13800138000", "PHONE_NUMBER", "13800138000"),
        ("电话：138-0013-8000", "PHONE_NUMBER", "138-0013-8000"),
        ("call 138 0013 8000 tomorrow", "PHONE_NUMBER", "138 0013 8000"),
        ("+86 138 0013 8000", "PHONE_NUMBER", "+86 138 0013 8000"),
        ("+8613800138000", "PHONE_NUMBER", "+8613800138000"),
        ("0086-13800138000", "PHONE_NUMBER", "0086-13800138000"),
        ("我的手机是１３８００１３８０００", "PHONE_NUMBER", "１３８００１３８０００"),
        ("座机010-12345678", "PHONE_NUMBER", "010-12345678"),
        ("电话 (0755) 8765 4321", "PHONE_NUMBER", "(0755) 8765 4321"),
        ("+86 10 6552 9988", "PHONE_NUMBER", "+86 10 6552 9988"),
        ("护照号码E12345678", "CN_PASSPORT", "E12345678"),
        ("passport G87654321", "CN_PASSPORT", "G87654321"),
        ("我叫王小明，今年三十岁", "PERSON", "王小明"),
        ("患者李华今天复诊", "PERSON", "李华"),
        ("请联系张伟先生", "PERSON", "张伟"),
        ("欧阳娜娜女士来了", "PERSON", "欧阳娜娜"),
        ("姓名：司马光", "PERSON", "司马光"),
        ("迪丽热巴·迪力木拉提是演员", "PERSON", "迪丽热巴·迪力木拉提"),
        ("我住在北京市朝阳区建国路88号", "STREET_ADDRESS", "北京市朝阳区建国路88号"),
        (
            "地址：上海市浦东新区世纪大道100号5栋1201室",
            "STREET_ADDRESS",
            "上海市浦东新区世纪大道100号5栋1201室",
        ),
        (
            "寄到广东省深圳市南山区科技园南路15号",
            "STREET_ADDRESS",
            "广东省深圳市南山区科技园南路15号",
        ),
        ("统一社会信用代码：91110000600037341L", "CN_USCC", "91110000600037341L"),
    ],
)
def test_chinese_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("订单号11010519491231002A", "CN_RESIDENT_ID"),
        ("流水号110105194912310021", "CN_RESIDENT_ID"),  # checksum fails
        ("时间戳1700000000123", "PHONE_NUMBER"),
        ("版本号12.0.1", "PHONE_NUMBER"),
        ("王国的历史很长", "PERSON"),
        ("我们高兴地看到张开的手", "PERSON"),
        ("这条路很长", "STREET_ADDRESS"),
    ],
)
def test_chinese_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "请帮我把这段Python代码改成异步的：def main(): return 42",
        "提交3f786850e387550fdab836ed7e6dc881de23001b修复了登录问题。",
        "订单金额是199元，预计2024年5月1日发货。",
    ],
)
def test_chinese_technical_text_untouched(
    detector: Detector, kimi_policy: Policy, text: str
) -> None:
    assert_untouched(detector, kimi_policy, text)
