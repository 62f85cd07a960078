"""Value generators for the detection corpus: one function per entity type and language.

Every generator takes a `Faker` of its locale and a `random.Random`, so the corpus is fixed by
the seeds alone. Numbers with check digits are built to be valid (python-stdnum computes or
checks them) and phone numbers are checked with `phonenumbers`, so a detector that validates
checksums is measured on values it should accept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from faker import Faker
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.de import idnr
from stdnum.us import ein, itin, rtn, ssn


@dataclass(frozen=True)
class Value:
    """A labelled value: its text, and optionally the strings whose presence means it leaked."""

    text: str
    identifying: tuple[str, ...] = ()


Gen = Callable[[Faker, random.Random], Value]

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _group(s: str, sizes: list[int], sep: str) -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(s[pos : pos + size])
        pos += size
    if pos < len(s):
        out.append(s[pos:])
    return sep.join(p for p in out if p)


# ------------------------------------------------------------------------------------------
# People


_EN_SUFFIX = ["Jr.", "Sr.", "III", "II"]


def en_person(fake: Faker, rng: random.Random) -> Value:
    first, last = fake.first_name(), fake.last_name()
    r = rng.random()
    if r < 0.55:
        return Value(f"{first} {last}")
    if r < 0.7:
        return Value(f"{first} {fake.random_uppercase_letter()}. {last}")
    if r < 0.82:
        initials = f"{fake.random_uppercase_letter()}. {fake.random_uppercase_letter()}."
        return Value(f"{initials} {last} {rng.choice(_EN_SUFFIX)}")
    if r < 0.92:
        return Value(f"{first} {last} {rng.choice(_EN_SUFFIX)}")
    return Value(f"{first} {last}-{fake.last_name()}")


ZH_COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "司徒",
    "慕容",
    "皇甫",
    "令狐",
    "尉迟",
]
_ZH_DOT_NAMES = [
    "迪丽热巴·迪力木拉提",
    "古力娜扎·吐尔逊",
    "买买提·艾力",
    "阿卜杜勒·热合曼",
    "努尔兰·巴合提",
    "热依扎·阿不都",
    "帕尔哈提·吐尔洪",
    "艾克拜尔·米吉提",
    "阿依古丽·买买提",
    "扎西·多吉",
]


def zh_person(fake: Faker, rng: random.Random) -> Value:
    r = rng.random()
    if r < 0.15:
        return Value(rng.choice(ZH_COMPOUND_SURNAMES) + fake.first_name())
    if r < 0.25:
        return Value(rng.choice(_ZH_DOT_NAMES))
    if r < 0.55:
        # a two-character given name, so the given name alone identifies
        return Value(fake.last_name() + fake.first_name()[0] + fake.first_name()[-1])
    return Value(fake.name())


_DE_UMLAUT_NAMES = [
    "Jürgen Müller",
    "Björn Schäfer",
    "Käthe Größ",
    "Özlem Yılmaz",
    "Günther Köhler",
    "Hans-Jürgen Weiß",
    "Friederike von Bülow",
    "Jörg Brückner",
    "Ursula Schröder",
    "Sören Jäger",
    "Renée Küster",
    "Lüder Hoß",
    "Maximilian Fuß",
    "Anneliese Mößner",
]


def de_person(fake: Faker, rng: random.Random) -> Value:
    if rng.random() < 0.3:
        return Value(rng.choice(_DE_UMLAUT_NAMES))
    return Value(f"{fake.first_name()} {fake.last_name()}")


# ------------------------------------------------------------------------------------------
# Contact


def email(fake: Faker, rng: random.Random) -> Value:
    return Value(fake.email())


def zh_email(fake: Faker, rng: random.Random) -> Value:
    local = fake.user_name()
    domain = rng.choice(["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "aliyun.com"])
    return Value(f"{local}@{domain}")


_US_AREAS = [
    "212",
    "415",
    "312",
    "617",
    "206",
    "512",
    "303",
    "404",
    "305",
    "713",
    "646",
    "718",
    "202",
    "773",
    "619",
    "503",
    "612",
    "919",
]


def _valid(number: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def en_phone(fake: Faker, rng: random.Random) -> Value:
    while True:
        area = rng.choice(_US_AREAS)
        exch = str(rng.randint(2, 9)) + _digits(rng, 2)
        line = _digits(rng, 4)
        if exch[1:] == "11" or exch == "555" or not _valid(area + exch + line, "US"):
            continue
        fmt = rng.choice(
            [
                "({a}) {e}-{l}",
                "{a}-{e}-{l}",
                "+1 {a} {e} {l}",
                "{a}.{e}.{l}",
                "+1 ({a}) {e}-{l}",
                "1-{a}-{e}-{l}",
            ]
        )
        return Value(fmt.format(a=area, e=exch, l=line))


_CN_MOBILE = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]


def zh_phone(fake: Faker, rng: random.Random) -> Value:
    while True:
        if rng.random() < 0.8:
            num = rng.choice(_CN_MOBILE) + _digits(rng, 8)
            if not _valid(num, "CN"):
                continue
            fmt = rng.random()
            if fmt < 0.35:
                text = num
            elif fmt < 0.55:
                text = _group(num, [3, 4, 4], " ")
            elif fmt < 0.7:
                text = "+86 " + _group(num, [3, 4, 4], "-")
            elif fmt < 0.8:
                text = "+86" + num
            else:
                text = num.translate(_FULLWIDTH)
            return Value(text)
        area = rng.choice(["010", "021", "0755", "020", "0571", "028"])
        local = str(rng.randint(2, 8)) + _digits(rng, 7)
        if not _valid(area + local, "CN"):
            continue
        return Value(f"{area}-{local}" if rng.random() < 0.7 else f"({area}){local}")


def de_phone(fake: Faker, rng: random.Random) -> Value:
    while True:
        if rng.random() < 0.5:
            prefix = rng.choice(["0151", "0152", "0160", "0170", "0171", "0172", "0176", "0157"])
            rest = _digits(rng, 8 if prefix != "0160" else 7)
        else:
            prefix = rng.choice(["030", "089", "040", "069", "0221", "0711", "0341"])
            rest = str(rng.randint(2, 9)) + _digits(rng, 6 if len(prefix) == 4 else 7)
        if not _valid(prefix + rest, "DE"):
            continue
        r = rng.random()
        if r < 0.3:
            return Value(f"{prefix} {rest}")
        if r < 0.5:
            return Value(f"+49 {prefix[1:]} {rest}")
        if r < 0.65:
            return Value(f"+49 (0){prefix[1:]} {_group(rest, [3, 3], ' ')}")
        if r < 0.8:
            return Value(f"{prefix}/{rest}")
        if r < 0.9:
            return Value(f"{prefix}-{rest}")
        return Value(f"+49{prefix[1:]}{rest}")


def en_address(fake: Faker, rng: random.Random) -> Value:
    line = f"{fake.building_number()} {fake.street_name()}"
    unit = f" {fake.secondary_address()}" if rng.random() < 0.25 else ""
    text = f"{line}{unit}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
    return Value(text, (line,))


def de_address(fake: Faker, rng: random.Random) -> Value:
    line = f"{fake.street_name()} {rng.randint(1, 180)}{rng.choice(['', '', '', 'a', 'b'])}"
    return Value(f"{line}, {fake.postcode()} {fake.city()}", (line,))


_ZH_CITIES = [
    ("北京市", ["朝阳区", "海淀区", "东城区", "丰台区"]),
    ("上海市", ["浦东新区", "徐汇区", "静安区", "闵行区"]),
    ("广东省深圳市", ["南山区", "福田区", "宝安区"]),
    ("广东省广州市", ["天河区", "越秀区", "番禺区"]),
    ("浙江省杭州市", ["西湖区", "滨江区", "余杭区"]),
    ("四川省成都市", ["武侯区", "锦江区", "高新区"]),
    ("江苏省南京市", ["鼓楼区", "玄武区", "建邺区"]),
    ("湖北省武汉市", ["洪山区", "江汉区", "武昌区"]),
]
_ZH_ROADS = [
    "建国路",
    "中山路",
    "人民路",
    "解放大道",
    "世纪大道",
    "科技园路",
    "长安街",
    "文三路",
    "天府大道",
    "南京东路",
    "淮海中路",
    "学院路",
    "深南大道",
    "珠江路",
    "光谷大道",
]


def zh_address(fake: Faker, rng: random.Random) -> Value:
    city, districts = rng.choice(_ZH_CITIES)
    road = rng.choice(_ZH_ROADS) + f"{rng.randint(1, 999)}号"
    tail = ""
    if rng.random() < 0.5:
        tail = f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}室"
    return Value(f"{city}{rng.choice(districts)}{road}{tail}", (road,))


_EN_CITIES = [
    "Boston",
    "Seattle",
    "Denver",
    "Austin",
    "Chicago",
    "Portland",
    "San Diego",
    "Philadelphia",
    "Atlanta",
    "Minneapolis",
    "Nashville",
    "Pittsburgh",
]
_ZH_CITY_NAMES = [
    "杭州",
    "成都",
    "深圳",
    "武汉",
    "南京",
    "西安",
    "苏州",
    "厦门",
    "青岛",
    "长沙",
    "重庆",
]
_DE_CITIES = [
    "Leipzig",
    "Hamburg",
    "München",
    "Köln",
    "Düsseldorf",
    "Stuttgart",
    "Dresden",
    "Nürnberg",
    "Bremen",
    "Hannover",
    "Münster",
    "Freiburg",
]


def en_city(fake: Faker, rng: random.Random) -> Value:
    return Value(rng.choice(_EN_CITIES))


def zh_city(fake: Faker, rng: random.Random) -> Value:
    return Value(rng.choice(_ZH_CITY_NAMES))


def de_city(fake: Faker, rng: random.Random) -> Value:
    return Value(rng.choice(_DE_CITIES))


# ------------------------------------------------------------------------------------------
# Identity and tax numbers


_INVALID_SSN = {"078051120", "219099999", "123456789"}


def us_ssn(fake: Faker, rng: random.Random) -> Value:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        num = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if num in _INVALID_SSN or not ssn.is_valid(num):
            continue
        sep = rng.choice(["-", "-", "-", " ", ""])
        return Value(f"{num[:3]}{sep}{num[3:5]}{sep}{num[5:]}")


def us_itin(fake: Faker, rng: random.Random) -> Value:
    while True:
        num = f"9{_digits(rng, 2)}{rng.choice([50, 55, 60, 65, 70, 75, 80, 85, 88, 90, 92, 94, 99])}"
        num += _digits(rng, 4)
        if itin.is_valid(num):
            sep = rng.choice(["-", "-", " "])
            return Value(f"{num[:3]}{sep}{num[3:5]}{sep}{num[5:]}")


def us_ein(fake: Faker, rng: random.Random) -> Value:
    while True:
        num = f"{rng.randint(10, 99)}{_digits(rng, 7)}"
        if ein.is_valid(num):
            return Value(f"{num[:2]}-{num[2:]}")


def de_tax_id(fake: Faker, rng: random.Random) -> Value:
    while True:
        first = rng.sample("0123456789", 9)
        if first[0] == "0":
            continue
        tail = [*first[1:], rng.choice(first[1:])]
        rng.shuffle(tail)
        ten = first[0] + "".join(tail)
        # mod 11,10 check digit
        for d in "0123456789":
            if idnr.is_valid(ten + d):
                num = ten + d
                sep = rng.choice(["", "", " "])
                return Value(_group(num, [2, 3, 3, 3], " ") if sep else num)


def cn_resident_id(fake: Faker, rng: random.Random) -> Value:
    want_x = rng.random() < 0.3  # a check digit of X, half of them written lower-case
    while True:
        region = rng.choice(["110105", "310104", "440305", "330106", "510107", "320106", "420111", "610113"])
        birth = f"{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = region + birth + _digits(rng, 3)
        num = body + ric.calc_check_digit(body + "0")  # takes the number with a check digit
        if num.endswith("X") != want_x or not ric.is_valid(num):
            continue
        if want_x and rng.random() < 0.5:
            num = num[:-1] + "x"
        if rng.random() < 0.15:
            num = num.translate(_FULLWIDTH)
        return Value(num)


def cn_passport(fake: Faker, rng: random.Random) -> Value:
    if rng.random() < 0.6:
        return Value("E" + _digits(rng, 8))
    return Value("E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXY") + _digits(rng, 7))


_USCC_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def cn_uscc(fake: Faker, rng: random.Random) -> Value:
    region = rng.choice(["110108", "310115", "440300", "330100", "510100", "320100"])
    org = _digits(rng, 8)
    c = 11 - sum(int(d) * w for d, w in zip(org, _USCC_ORG_WEIGHTS, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(c, str(c))
    body = rng.choice(["91", "92", "12", "52"]) + region + org
    num = body + uscc.calc_check_digit(body)
    assert uscc.is_valid(num)
    return Value(num)


# ------------------------------------------------------------------------------------------
# Cards, accounts, crypto


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def credit_card(fake: Faker, rng: random.Random, unionpay: float = 0.1) -> Value:
    r = rng.random()
    if r < unionpay:
        num = _luhn_complete(rng.choice(["6212", "6222", "6228", "6217"]), 19, rng)
        return Value(rng.choice([_group(num, [4, 4, 4, 4], " "), num]))
    if r < unionpay + 0.12:
        num = _luhn_complete(rng.choice(["34", "37"]), 15, rng)
        return Value(rng.choice([_group(num, [4, 6], " "), _group(num, [4, 6], "-"), num]))
    prefix = rng.choice(["4", "4", "4", "51", "53", "55", "2221", "2720", "6011"])
    num = _luhn_complete(prefix, 16, rng)
    return Value(rng.choice([_group(num, [4, 4, 4], " "), _group(num, [4, 4, 4], "-"), num]))


def zh_card(fake: Faker, rng: random.Random) -> Value:
    return credit_card(fake, rng, unionpay=0.6)


def _iban(country: str, bban: str) -> str:
    check = std_iban.calc_check_digits(country + "00" + bban)
    return country + check + bban


def iban(fake: Faker, rng: random.Random, countries: tuple[str, ...] = ("DE", "GB", "FR")) -> Value:
    while True:
        country = rng.choice(countries)
        if country == "DE":
            bban = _digits(rng, 18)
        elif country == "AT":
            bban = _digits(rng, 16)
        elif country == "GB":
            bban = rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _digits(rng, 14)
        elif country == "NL":
            bban = rng.choice(["ABNA", "INGB", "RABO"]) + _digits(rng, 10)
        elif country == "CH":
            bban = _digits(rng, 17)
        else:  # FR: bank, branch, account, RIB key (mod 97)
            base = _digits(rng, 21)
            key = 97 - (int(base[:5]) * 89 + int(base[5:10]) * 15 + int(base[10:]) * 3) % 97
            bban = base + f"{key:02d}"
        num = _iban(country, bban)
        if not std_iban.is_valid(num):
            continue
        return Value(_group(num, [4] * 8, " ") if rng.random() < 0.6 else num)


def de_iban(fake: Faker, rng: random.Random) -> Value:
    return iban(fake, rng, ("DE", "DE", "DE", "AT", "CH", "NL", "FR"))


def bank_account(fake: Faker, rng: random.Random) -> Value:
    return Value(_digits(rng, rng.choice([8, 9, 10, 11, 12])))


def zh_bank_account(fake: Faker, rng: random.Random) -> Value:
    num = rng.choice(["6", "4", "1", "3"]) + _digits(rng, rng.choice([15, 16, 18]))
    return Value(_group(num, [4, 4, 4, 4], " ") if rng.random() < 0.4 else num)


def de_bank_account(fake: Faker, rng: random.Random) -> Value:
    return Value(_digits(rng, rng.choice([7, 8, 9, 10])))


_BICS = {
    "en": ["CHASUS33", "BOFAUS3N", "CITIUS33", "WFBIUS6S", "NWBKGB2L", "BARCGB22"],
    "zh": ["BKCHCNBJ", "ICBKCNBJ", "PCBCCNBJ", "ABOCCNBJ", "CMBCCNBS", "COMMCNSH"],
    "de": ["DEUTDEFF", "COBADEFFXXX", "DRESDEFF", "INGDDEFFXXX", "GENODEM1GLS", "BYLADEM1001"],
}


def swift(lang: str) -> Gen:
    def gen(fake: Faker, rng: random.Random) -> Value:
        code = rng.choice(_BICS[lang])
        assert std_bic.is_valid(code)
        return Value(code)

    return gen


def aba(fake: Faker, rng: random.Random) -> Value:
    while True:
        # Federal Reserve routing symbols: 01-12 and 21-32 (thrift institutions)
        body = f"{rng.choice([*range(1, 13), *range(21, 33)]):02d}" + _digits(rng, 6)
        for d in "0123456789":
            if rtn.is_valid(body + d):
                return Value(body + d)


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _bech32(hrp: str, program: bytes) -> str:
    acc, bits, data = 0, 0, [0]  # witness version 0
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def crypto(fake: Faker, rng: random.Random) -> Value:
    program = rng.randbytes(20)
    r = rng.random()
    if r < 0.4:
        return Value(_b58check(b"\x00" + program))
    if r < 0.7:
        return Value(_b58check(b"\x05" + program))
    return Value(_bech32("bc", program))


# ------------------------------------------------------------------------------------------
# Money in context


def en_salary(fake: Faker, rng: random.Random) -> Value:
    amount = rng.randrange(42_000, 260_000, 500)
    return Value(rng.choice([f"${amount:,}", f"${amount:,}.00", f"USD {amount:,}"]))


def en_balance(fake: Faker, rng: random.Random) -> Value:
    amount = rng.randint(1_000_00, 950_000_00) / 100
    return Value(f"${amount:,.2f}")


def zh_salary(fake: Faker, rng: random.Random) -> Value:
    monthly = rng.randrange(12_000, 95_000, 500)
    return Value(rng.choice([f"¥{monthly:,}", f"{monthly}元", f"人民币{monthly:,}元"]))


def zh_balance(fake: Faker, rng: random.Random) -> Value:
    amount = rng.randint(1_000_00, 2_000_000_00) / 100
    return Value(rng.choice([f"¥{amount:,.2f}", f"{amount:.2f}元"]))


def _de_amount(amount: float, cents: bool) -> str:
    s = f"{amount:,.2f}" if cents else f"{int(amount):,}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def de_salary(fake: Faker, rng: random.Random) -> Value:
    amount = rng.randrange(38_000, 180_000, 500)
    return Value(
        rng.choice(
            [
                f"{_de_amount(amount, False)} €",
                f"{_de_amount(amount, False)} Euro",
                f"EUR {_de_amount(amount, True)}",
            ]
        )
    )


def de_balance(fake: Faker, rng: random.Random) -> Value:
    amount = rng.randint(1_000_00, 900_000_00) / 100
    return Value(rng.choice([f"{_de_amount(amount, True)} €", f"EUR {_de_amount(amount, True)}"]))


# ------------------------------------------------------------------------------------------
# Health


def _terms(items: list[str | tuple[str, str]]) -> Gen:
    """Terms, each optionally with the core word whose presence alone reveals it."""

    def gen(fake: Faker, rng: random.Random) -> Value:
        item = rng.choice(items)
        if isinstance(item, tuple):
            return Value(item[0], (item[1],))
        return Value(item)

    return gen


CONDITIONS = {
    "en": _terms(
        [
            ("type 2 diabetes", "diabetes"),
            "hypertension",
            ("major depressive disorder", "depressive disorder"),
            "asthma",
            ("Crohn's disease", "Crohn"),
            ("HIV", "HIV"),
            ("breast cancer", "cancer"),
            ("bipolar disorder", "bipolar"),
            "schizophrenia",
            "hypothyroidism",
            ("multiple sclerosis", "sclerosis"),
            "epilepsy",
            ("chronic kidney disease", "kidney disease"),
            ("hepatitis B", "hepatitis"),
            "anorexia nervosa",
            ("atrial fibrillation", "fibrillation"),
            "COPD",
            ("generalized anxiety disorder", "anxiety disorder"),
            "psoriasis",
            "gout",
        ]
    ),
    "zh": _terms(
        [
            ("2型糖尿病", "糖尿病"),
            "糖尿病",
            "高血压",
            "抑郁症",
            ("乙型肝炎", "肝炎"),
            "乙肝",
            "艾滋病",
            "哮喘",
            ("乳腺癌", "癌"),
            "冠心病",
            "精神分裂症",
            "甲状腺功能减退",
            "癫痫",
            ("慢性肾病", "肾病"),
            "焦虑症",
            "痛风",
            "双相情感障碍",
            "帕金森病",
        ]
    ),
    "de": _terms(
        [
            ("Diabetes mellitus Typ 2", "Diabetes"),
            "Diabetes",
            "Bluthochdruck",
            "Depression",
            "Asthma",
            ("Morbus Crohn", "Crohn"),
            "Brustkrebs",
            ("HIV-Infektion", "HIV"),
            "Schizophrenie",
            "Hypothyreose",
            ("Multiple Sklerose", "Sklerose"),
            "Epilepsie",
            "Niereninsuffizienz",
            "Angststörung",
            "Gicht",
            "Vorhofflimmern",
            "Schuppenflechte",
        ]
    ),
}

MEDICATIONS = {
    "en": _terms(
        [
            "metformin",
            "Glucophage",
            "lisinopril",
            "atorvastatin",
            "Lipitor",
            "sertraline",
            "Zoloft",
            ("insulin glargine", "insulin"),
            "Ozempic",
            "semaglutide",
            "levothyroxine",
            "Synthroid",
            "albuterol",
            "Humira",
            "adalimumab",
            "fluoxetine",
            "Prozac",
            "lithium",
            "methotrexate",
            "Truvada",
            "Eliquis",
            "warfarin",
        ]
    ),
    "zh": _terms(
        [
            "二甲双胍",
            "阿托伐他汀",
            "胰岛素",
            "氨氯地平",
            "舍曲林",
            "左甲状腺素钠",
            "恩替卡韦",
            "格列美脲",
            "拜糖平",
            "立普妥",
            "络活喜",
            "格华止",
            "氯沙坦",
            "奥氮平",
            "碳酸锂",
        ]
    ),
    "de": _terms(
        [
            "Metformin",
            "Ramipril",
            "Atorvastatin",
            "Sertralin",
            "L-Thyroxin",
            ("Insulin glargin", "Insulin"),
            "Tilidin",
            "Marcumar",
            "Pantoprazol",
            "Xarelto",
            "Citalopram",
            "Lantus",
            "Ozempic",
            "Methotrexat",
            "Lithium",
        ]
    ),
}

PROCEDURES = {
    "en": _terms(
        [
            "colonoscopy",
            "chemotherapy",
            "appendectomy",
            ("knee arthroscopy", "arthroscopy"),
            "dialysis",
            ("cataract surgery", "cataract"),
            ("coronary bypass surgery", "bypass"),
            "mastectomy",
            "IVF",
            ("MRI of the brain", "MRI"),
            "radiation therapy",
            "hip replacement",
            "biopsy",
            "angioplasty",
        ]
    ),
    "zh": _terms(
        [
            "胃镜检查",
            "化疗",
            "透析",
            ("心脏搭桥手术", "搭桥"),
            "阑尾切除术",
            "结肠镜检查",
            "剖腹产",
            "放疗",
            "髋关节置换术",
            "穿刺活检",
            "白内障手术",
        ]
    ),
    "de": _terms(
        [
            "Darmspiegelung",
            "Koloskopie",
            "Chemotherapie",
            "Dialyse",
            ("Bypass-Operation", "Bypass"),
            "Kniearthroskopie",
            "Blinddarmentfernung",
            "Strahlentherapie",
            "Hüftprothese",
            "Magenspiegelung",
            "Biopsie",
        ]
    ),
}


def _test_result(tests: list[tuple[str, Callable[[random.Random], str]]]) -> Gen:
    def gen(fake: Faker, rng: random.Random) -> Value:
        name, measure = rng.choice(tests)
        m = measure(rng)
        return Value(name.format(m), (m,))

    return gen


def _f(lo: float, hi: float, unit: str, decimal: str = ".") -> Callable[[random.Random], str]:
    return lambda rng: f"{rng.uniform(lo, hi):.1f}".replace(".", decimal) + unit


def _bp(rng: random.Random) -> str:
    return f"{rng.randint(135, 185)}/{rng.randint(85, 115)}"


TEST_RESULTS = {
    "en": _test_result(
        [
            ("HbA1c {}", _f(6.5, 11.5, "%")),
            ("LDL {}", _f(130, 220, " mg/dL")),
            ("blood pressure {}", _bp),
            ("eGFR of {}", _f(15, 55, "")),
            ("TSH {}", _f(4.8, 12, " mIU/L")),
            ("PSA {}", _f(4.1, 14, " ng/mL")),
            ("fasting glucose {}", _f(126, 240, " mg/dL")),
        ]
    ),
    "zh": _test_result(
        [
            ("糖化血红蛋白{}", _f(6.5, 11.5, "%")),
            ("空腹血糖 {}", _f(7, 14, " mmol/L")),
            ("血压{}", _bp),
            ("低密度脂蛋白 {}", _f(3.4, 6, " mmol/L")),
            ("肌酐 {}", _f(130, 400, " μmol/L")),
        ]
    ),
    "de": _test_result(
        [
            ("HbA1c {}", _f(6.5, 11.5, " %", ",")),
            ("Blutdruck {}", _bp),
            ("LDL {}", _f(130, 220, " mg/dl", ",")),
            ("TSH {}", _f(4.8, 12, " mU/l", ",")),
            ("Nüchternblutzucker {}", _f(126, 240, " mg/dl", ",")),
        ]
    ),
}

_ICD10 = [
    "E11.9",
    "I10",
    "F32.1",
    "J45.909",
    "C50.911",
    "K50.90",
    "B20",
    "F31.9",
    "E66.01",
    "M54.5",
    "N18.3",
    "G40.909",
    "F20.9",
    "E03.9",
    "F41.1",
    "K21.0",
    "I48.91",
    "Z21",
    "E10.65",
    "F33.2",
]


def icd10(fake: Faker, rng: random.Random) -> Value:
    code = rng.choice(_ICD10)
    return Value(code)


_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def us_mbi(fake: Faker, rng: random.Random) -> Value:
    def an() -> str:
        return rng.choice(_MBI_LETTERS + string.digits)

    c = [
        str(rng.randint(1, 9)),
        rng.choice(_MBI_LETTERS),
        an(),
        rng.choice(string.digits),
        rng.choice(_MBI_LETTERS),
        an(),
        rng.choice(string.digits),
        rng.choice(_MBI_LETTERS),
        rng.choice(_MBI_LETTERS),
        rng.choice(string.digits),
        rng.choice(string.digits),
    ]
    s = "".join(c)
    return Value(f"{s[:4]}-{s[4:7]}-{s[7:]}" if rng.random() < 0.5 else s)


def us_npi(fake: Faker, rng: random.Random) -> Value:
    body = rng.choice("12") + _digits(rng, 8)
    check = luhn.calc_check_digit("80840" + body)
    return Value(body + check)


def de_health_insurance(fake: Faker, rng: random.Random) -> Value:
    """Krankenversichertennummer: a letter, eight digits and a check digit."""
    letter = rng.choice(string.ascii_uppercase)
    digits = _digits(rng, 8)
    seq = f"{ord(letter) - 64:02d}" + digits
    total = 0
    for i, d in enumerate(seq):
        p = int(d) * (1 if i % 2 == 0 else 2)
        total += p // 10 + p % 10
    return Value(f"{letter}{digits}{total % 10}")


def mrn(fake: Faker, rng: random.Random) -> Value:
    return Value(rng.choice(["00", "0", ""]) + _digits(rng, rng.choice([6, 7, 8])))


# ------------------------------------------------------------------------------------------
# Secrets


_ALNUM = string.ascii_letters + string.digits


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def api_key(fake: Faker, rng: random.Random) -> Value:
    kind = rng.randrange(7)
    if kind == 0:
        return Value("sk-" + _rand(rng, _ALNUM, 48))
    if kind == 1:
        return Value("sk-proj-" + _rand(rng, _ALNUM + "-_", 56))
    if kind == 2:
        return Value("sk-" + _rand(rng, "0123456789abcdef", 32))  # DashScope style
    if kind == 3:
        return Value("AKIA" + _rand(rng, string.ascii_uppercase + "234567", 16))
    if kind == 4:
        return Value("ghp_" + _rand(rng, _ALNUM, 36))
    if kind == 5:
        return Value("AIza" + _rand(rng, _ALNUM + "-_", 35))
    return Value("sk_live_" + _rand(rng, _ALNUM, 24))


def private_key(fake: Faker, rng: random.Random) -> Value:
    kind = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    body = base64.b64encode(rng.randbytes(rng.choice([180, 240, 300]))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"
    return Value(text)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(fake: Faker, rng: random.Random) -> Value:
    header = _b64url(
        json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode()
    )
    sub = str(rng.randint(10_000, 9_999_999))
    iat = rng.randint(1_700_000_000, 1_750_000_000)
    payload = {"sub": sub, "iat": iat, "exp": iat + 3600}
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return Value(f"{header}.{body}.{_b64url(rng.randbytes(32))}")


_WORDS = [
    "hunter",
    "Sommer",
    "dragon",
    "Winter",
    "monkey",
    "Sonne",
    "shadow",
    "tiger",
    "Katze",
    "falcon",
    "orange",
    "Berlin",
    "qwerty",
    "panda",
    "rocket",
]


def password(fake: Faker, rng: random.Random) -> Value:
    r = rng.random()
    if r < 0.5:
        w = rng.choice(_WORDS) + str(rng.randint(10, 2025)) + rng.choice(["!", "-xyz", "#", "$", "?"])
    elif r < 0.8:
        w = _rand(rng, _ALNUM, rng.randint(10, 16))
    else:
        w = _rand(rng, _ALNUM + "!#%&*+-=?@^_", rng.randint(12, 20))
    return Value(w)


def connection_string(fake: Faker, rng: random.Random) -> Value:
    user = rng.choice(["app_user", "admin", "root", "svc_orders", "reporting", "etl"])
    pw = _rand(rng, _ALNUM, rng.randint(10, 18))
    host = rng.choice(["db.internal", "10.0.3.17", "prod-db-1.cluster.local", "localhost", "pg.example.com"])
    db = rng.choice(["orders", "billing", "crm", "analytics", "app"])
    kind = rng.randrange(4)
    if kind == 0:
        text = f"postgres://{user}:{pw}@{host}:5432/{db}"
    elif kind == 1:
        text = f"mysql://{user}:{pw}@{host}:3306/{db}"
    elif kind == 2:
        text = f"mongodb+srv://{user}:{pw}@cluster0.x1y2z.mongodb.net/{db}"
    else:
        text = f"redis://default:{pw}@{host}:6379/0"
    return Value(text, (pw,))


# ------------------------------------------------------------------------------------------
# Hard negatives: text that looks like an identifier or a secret and is neither


def neg_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def neg_sha256(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def neg_md5(rng: random.Random) -> str:
    return hashlib.md5(rng.randbytes(16)).hexdigest()


def neg_git_sha(rng: random.Random) -> str:
    h = hashlib.sha1(rng.randbytes(16)).hexdigest()
    return h if rng.random() < 0.5 else h[:7]


def neg_version(rng: random.Random) -> str:
    v = f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"
    return rng.choice([f"v{v}", v, f"{v}-rc.{rng.randint(1, 5)}"])


def neg_order(rng: random.Random) -> str:
    return rng.choice(
        [
            f"ORD-{rng.randint(2019, 2025)}-{rng.randint(1, 99999):05d}",
            f"INV-{rng.randint(10000, 99999)}",
            f"PO-{rng.randint(100000, 999999)}",
            f"#{rng.randint(100000, 9999999)}",
        ]
    )


_CODE = [
    "for i in range(10): print(i)",
    "const timeout = 30000;",
    "git rebase -i HEAD~3",
    "kubectl get pods -n payments",
    "docker run -p 8080:80 nginx:1.25",
    "SELECT id, total FROM orders WHERE status = 200 LIMIT 50",
    "x = np.zeros((512, 512))",
    "chmod 644 config.yaml",
    "pip install requests==2.31.0",
    "SET max_connections = 500;",
    "let port = 5432;",
    "curl -s localhost:9090/metrics",
    "return a * 31 + b;",
    "ulimit -n 65536",
]


def neg_code(rng: random.Random) -> str:
    return rng.choice(_CODE)


def neg_timestamp(rng: random.Random) -> str:
    ts = (
        f"{rng.randint(2020, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )
    return ts + rng.choice(["Z", "+08:00", "+01:00", ".123Z"])


def neg_price(rng: random.Random) -> str:
    a = rng.randint(1, 4999) + rng.choice([0.0, 0.99, 0.9, 0.5])
    return rng.choice([f"¥{a:,.2f}", f"${a:,.2f}", _de_amount(a, True) + " €", "€" + _de_amount(a, True)])


def neg_product(rng: random.Random) -> str:
    return rng.choice(
        [
            "C4",
            "S3",
            "EKS",
            "EC2",
            "M2",
            "RTX 4090",
            "A100",
            "GKE",
            "iPhone 15 Pro",
            "ThinkPad X1",
            "Galaxy S24",
            "Model Y",
            "Redis 7",
            "PostgreSQL 16",
        ]
    )


def neg_http(rng: random.Random) -> str:
    return rng.choice(
        [
            "HTTP 404",
            "HTTP 502",
            "503 Service Unavailable",
            "429 Too Many Requests",
            "status 200",
            "HTTP/1.1 401",
            "500 Internal Server Error",
        ]
    )


def neg_ean(rng: random.Random) -> str:
    body = "40" + _digits(rng, 10)
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - s % 10) % 10)


def neg_ticket(rng: random.Random) -> str:
    return rng.choice(
        [
            f"PAY-{rng.randint(100, 9999)}",
            f"build #{rng.randint(10000, 99999)}",
            f"0x{rng.getrandbits(32):08X}",
            f"JIRA-{rng.randint(1000, 99999)}",
            f"port {rng.choice([5432, 6379, 8080, 27017, 9200])}",
        ]
    )


NEGATIVES: dict[str, Callable[[random.Random], str]] = {
    "uuid": neg_uuid,
    "sha256": neg_sha256,
    "md5": neg_md5,
    "git_sha": neg_git_sha,
    "version": neg_version,
    "order_number": neg_order,
    "code": neg_code,
    "timestamp": neg_timestamp,
    "price": neg_price,
    "product": neg_product,
    "http_status": neg_http,
    "ean": neg_ean,
    "ticket": neg_ticket,
}
