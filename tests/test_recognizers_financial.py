"""Financial identifiers: cards, IBAN/BIC, accounts, routing, tax numbers, crypto, money."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("card 4111 1111 1111 1111 exp 12/27", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("Visa 4532015112830366.", "CREDIT_CARD", "4532015112830366"),
        ("amex 3782-822463-10005", "CREDIT_CARD", "3782-822463-10005"),
        ("pay with 4532-0151-1283-0366 please", "CREDIT_CARD", "4532-0151-1283-0366"),
        ("card 4111 1111 1111 1111 12/25", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("卡号4532015112830366谢谢", "CN_BANK_CARD", "4532015112830366"),
        ("我的银行卡6214830123456789012", "CN_BANK_CARD", "6214830123456789012"),
        ("银行卡号：6214 8301 2345 6789 012", "CN_BANK_CARD", "6214 8301 2345 6789 012"),
        (
            "卡号 ６２１４８３０１２３４５６７８９０１２",
            "CN_BANK_CARD",
            "６２１４８３０１２３４５６７８９０１２",
        ),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("iban:GB82WEST12345698765432.", "IBAN_CODE", "GB82WEST12345698765432"),
        ("请转账到DE89370400440532013000谢谢", "IBAN_CODE", "DE89370400440532013000"),
        ("BIC: DEUTDEFF500", "SWIFT_CODE", "DEUTDEFF500"),
        ("SWIFT code COBADEFFXXX", "SWIFT_CODE", "COBADEFFXXX"),
        ("my account number is 123456789012", "BANK_ACCOUNT", "123456789012"),
        ("acct # 0012-3456-78", "BANK_ACCOUNT", "0012-3456-78"),
        ("Kontonummer: 1234567890", "BANK_ACCOUNT", "1234567890"),
        ("收款账号：6222 0212 3456 7890", "BANK_ACCOUNT", "6222 0212 3456 7890"),
        ("routing number 011000015", "ABA_ROUTING_NUMBER", "011000015"),
        ("SSN 321-54-9876", "US_SSN", "321-54-9876"),
        ("my social security number is 321549876", "US_SSN", "321549876"),
        ("ITIN 912-70-1234", "US_ITIN", "912-70-1234"),
        ("our EIN is 12-3456789", "US_EIN", "12-3456789"),
        ("Steuer-ID 65929970489", "DE_TAX_ID", "65929970489"),
        ("Steueridentifikationsnummer: 26954371827", "DE_TAX_ID", "26954371827"),
        ("统一社会信用代码91110000600037341L", "CN_USCC", "91110000600037341L"),
        ("credit code 91110000600037341L.", "CN_USCC", "91110000600037341L"),
        (
            "btc wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "CRYPTO",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        ),
        (
            "send to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "CRYPTO",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "my ETH wallet 0x52908400098527886E0F7030069857D2E4169EE7",
            "CRYPTO",
            "0x52908400098527886E0F7030069857D2E4169EE7",
        ),
        ("My salary is $85,000 a year", "SALARY", "$85,000 a year"),
        ("I earn 6500 EUR per month", "SALARY", "6500 EUR per month"),
        ("我的月薪是2万元", "SALARY", "2万元"),
        ("Mein Gehalt: 4.200 € netto", "SALARY", "4.200 €"),
        ("account balance: $12,345.67", "ACCOUNT_BALANCE", "$12,345.67"),
        ("卡里余额还有3000元", "ACCOUNT_BALANCE", "3000元"),
        ("Kontostand 1.234,56 EUR", "ACCOUNT_BALANCE", "1.234,56 EUR"),
    ],
)
def test_financial_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("card 4111 1111 1111 1112", "CREDIT_CARD"),  # Luhn fails
        ("timestamp 1700000000000 ms", "CREDIT_CARD"),
        ("order 1234567890123456", "CREDIT_CARD"),
        ("IBAN DE89 3704 0044 0532 0130 01", "IBAN_CODE"),  # checksum fails
        ("the DATABASE and FRONTEND teams", "SWIFT_CODE"),
        ("build 123456789012 finished", "BANK_ACCOUNT"),
        ("commit 0x52908400098527886e0f7030069857d2e4169ee7 in the log", "CRYPTO"),
        ("The plan costs $19.99 per month", "SALARY"),
        ("budget of €2,000 for the team offsite", "SALARY"),
        ("price 3000元", "ACCOUNT_BALANCE"),
    ],
)
def test_financial_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "The subscription is $19.99 per month, or $199 a year.",
        "Order #123456789 shipped on 2024-05-01T10:22:33Z.",
        "Bump version to 1.2.3 and 2.10.0-rc1.",
    ],
)
def test_prices_and_orders_untouched(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert_untouched(detector, kimi_policy, text)
