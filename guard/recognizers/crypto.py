"""Crypto wallet addresses: Bitcoin (base58 and bech32, checksums checked by python-stdnum) and
Ethereum-style 0x addresses. 0x plus 40 hex digits is also how hashes and contract data are
written, so an Ethereum address needs a wallet word nearby."""

from __future__ import annotations

from stdnum import bitcoin

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT


class CryptoWalletRecognizer(GuardRecognizer):
    ENTITIES = ("CRYPTO",)
    RULES = (
        Rule("bitcoin base58", rf"{LEFT}[13][1-9A-HJ-NP-Za-km-z]{{25,34}}{RIGHT}", 0.85, 1.0),
        Rule(
            "bitcoin bech32",
            rf"{LEFT}(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{{11,71}}{RIGHT}",
            0.85,
            1.0,
        ),
        Rule("ethereum", rf"{LEFT}0x[0-9a-fA-F]{{40}}{RIGHT}", 0.3, 0.85),
    )
    CONTEXT = (
        "wallet",
        "btc",
        "bitcoin",
        "eth",
        "ethereum",
        "crypto",
        "usdt",
        "send to",
        "address",
        "钱包",
        "地址",
        "比特币",
        "以太坊",
        "Wallet",
        "Adresse",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        if rule.name.startswith("bitcoin"):
            return bool(bitcoin.is_valid(value))
        return True
