"""Identifiers without a fixed format found through their label, in prose and in the JSON of a
tool argument; unlabelled Chinese names (jieba); USPS street suffixes and hyphenated German
streets; spaCy's noise filtered before findings are merged; and the hard negatives each of
these must leave alone."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from tests.recognizer_cases import assert_found, assert_not_found


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        # Chinese names without a label (jieba `nr` + surname list), and labelled in JSON
        ("帮我给杜敏写一封道歉信。", "PERSON", "杜敏"),
        ("你好，孙杨今天上午打电话来问进度。", "PERSON", "孙杨"),
        ("新同事杨雷下周一入职。", "PERSON", "杨雷"),
        ("出院小结\n患者尉迟明，病历号35491402", "PERSON", "尉迟明"),
        ("收款人：司徒颖\n收款账号：4465", "PERSON", "司徒颖"),
        ("收款人:司徒颖", "PERSON", "司徒颖"),  # half-width colon
        ('{"姓名": "欧阳帆", "身份证号": "6101"}', "PERSON", "欧阳帆"),
        ("患者登记表\n姓名：司马桂香\n身份证号：310104195307270000", "PERSON", "司马桂香"),
        ("联系人：阎璐艳 0571-71370546", "PERSON", "阎璐艳"),
        # German and English names behind a role, a greeting or a sign-off
        ("Schreib bitte eine höfliche Antwort an Luise Wesack.", "PERSON", "Luise Wesack"),
        ("Kunde Beata Schuster (p@example.com)", "PERSON", "Beata Schuster"),
        ("Betreff: Überweisung\nHallo Käthe Größ,\nbitte", "PERSON", "Käthe Größ"),
        ("Viele Grüße\nFriederike von Bülow\n0221 6827552", "PERSON", "Friederike von Bülow"),
        ('{"zahlungsempfaenger": "Raik Lübs", "iban": "x"}', "PERSON", "Raik Lübs"),
        ('{"patient": "Özlem Yılmaz", "fallnummer": "82"}', "PERSON", "Özlem Yılmaz"),
        ("Customer Crystal Smith-Evans (u@example.net)", "PERSON", "Crystal Smith-Evans"),
        ("Thanks, William Adams\n+1 (773) 756-3787", "PERSON", "William Adams"),
        ('{"payee": "Kayla Brown", "iban": "x"}', "PERSON", "Kayla Brown"),
        # labelled numbers, JSON keys count as labels
        ('{"account": "0476589892", "routing": "106900"}', "BANK_ACCOUNT", "0476589892"),
        ('{"kontonummer": "028799700"}', "BANK_ACCOUNT", "028799700"),
        ("account_number=12345678", "BANK_ACCOUNT", "12345678"),
        ('{"收款人": "钱彬", "账号": "15553888927180538"}', "BANK_ACCOUNT", "15553888927180538"),
        ('{"mrn": "005949195", "diagnosis": "gout"}', "MEDICAL_RECORD_NUMBER", "005949195"),
        ('{"fallnummer": "0623720"}', "MEDICAL_RECORD_NUMBER", "0623720"),
        ('{"病历号": "00315004", "诊断": "慢性肾病"}', "MEDICAL_RECORD_NUMBER", "00315004"),
        ('{"member_id": "2UU8Y43WE73"}', "US_MBI", "2UU8Y43WE73"),
        ("Medicare ID: 2T83-AR4-XK43", "US_MBI", "2T83-AR4-XK43"),
        ("Meine Steuer-ID ist 80 164 733 295.", "DE_TAX_ID", "80 164 733 295"),
        ('{"steuer_id": "61230074585"}', "DE_TAX_ID", "61230074585"),
        ("Steuer-ID: ８０ １６４ ７３３ ２９５", "DE_TAX_ID", "８０ １６４ ７３３ ２９５"),
        ("开票信息里的税号是123201006966557762。", "CN_USCC", "123201006966557762"),
        ('{"公司税号": "523301006064844844"}', "CN_USCC", "523301006064844844"),
        # passwords: a Chinese label run into the value, a log-in pair
        ("用admin和密码Z06fK7QeB5VR登录后台看看。", "PASSWORD", "Z06fK7QeB5VR"),
        ("Log in with admin / rocket1992# and check", "PASSWORD", "rocket1992#"),
        ("Melde dich mit admin / V^fcIlG%lRK+4Lbu an", "PASSWORD", "V^fcIlG%lRK+4Lbu"),
        # addresses
        ("Ship it to 074 Micheal Skyway, Holtside, MI 55432.", "STREET_ADDRESS", "074 Micheal Skyway"),
        ("2888 Jones Motorway Apt. 645, Keithborough, DC 77847", "STREET_ADDRESS", "Apt. 645"),
        ("Address: 4617 Desiree Via, New Melissa, CT 13572", "STREET_ADDRESS", "4617 Desiree Via"),
        ("Das Büro ist umgezogen: Viviane-Reuter-Weg 14, 02537 Stade.", "STREET_ADDRESS",
         "Viviane-Reuter-Weg 14"),
        ('{"adresse": "Jiri-Heinrich-Gasse 63a, 51193 Rochlitz"}', "STREET_ADDRESS",
         "Jiri-Heinrich-Gasse 63a"),
        # health
        ("Labor: Nüchternblutzucker 139,6 mg/dl", "MEDICAL_TEST_RESULT", "Nüchternblutzucker 139,6 mg/dl"),
        ("最新化验结果：低密度脂蛋白 5.5 mmol/L", "MEDICAL_TEST_RESULT", "低密度脂蛋白 5.5 mmol/L"),
        ("Auf der Krankmeldung steht I10.", "ICD10_CODE", "I10"),
        ("Auf der Krankmeldung steht C50.911.", "ICD10_CODE", "C50.911"),
        ('"编码": "I48.91"', "ICD10_CODE", "I48.91"),
        ("医生给我开了拜糖平。", "MEDICATION", "拜糖平"),
        ("出院带药：格华止。", "MEDICATION", "格华止"),
        ("Die Ärztin hat mir Lithium verschrieben.", "MEDICATION", "Lithium"),
        ("Eingriff: Kniearthroskopie.", "MEDICAL_PROCEDURE", "Kniearthroskopie"),
        ("Plan: knee arthroscopy next month", "MEDICAL_PROCEDURE", "knee arthroscopy"),
        ("Darf man mit Morbus Crohn fliegen?", "MEDICAL_CONDITION", "Morbus Crohn"),
    ],
)
def test_labelled_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        # common words jieba's dictionary tags as names
        ("我明白了，谢谢你的帮助。", "PERSON"),
        ("这个城市的文明程度很高，阳光明媚。", "PERSON"),
        ("我们需要许可证才能进入。", "PERSON"),
        ("张家界风景很美，石家庄的空气不好。", "PERSON"),
        ("黄金价格今年上涨了，高质量的发展是关键。", "PERSON"),
        ("马上就要开会了，周末去公园。", "PERSON"),
        ("服务器返回了五百错误，谢谢！", "PERSON"),
        # German nouns and labels the English model reads as names
        ("Kurze Frage: Passwort vergessen?", "PERSON"),
        ("Betreff: Rechnung\nSchick mir die Datei.", "PERSON"),
        ("Hallo Zusammen, wie geht es", "PERSON"),
        ("Die Erstattung auf mein Konto fehlt.", "PERSON"),
        ("Thanks, Best Regards", "PERSON"),
        ("timed out at 2024-02-17T23:20:26.123Z. Thanks!", "PERSON"),
        ("Siehe Ticket 0x0E6A056F. Darf ich das?", "PERSON"),
        # numbers that only a label makes identifiers
        ("Bestellung 80 164 733 295 ist unterwegs", "DE_TAX_ID"),
        ("Rechnung 61230074585", "DE_TAX_ID"),
        ("订单号123201006966557762", "CN_USCC"),
        ("tracking 123201006966557762", "CN_USCC"),
        ("Barcode 4091449873566 scans as the wrong item", "CREDIT_CARD"),
        ('{"sku": "4020162805554", "price": "$1"}', "CREDIT_CARD"),
        ("I logged in with my laptop / phone today", "PASSWORD"),
        ("问个问题：密码：tiger531$相关工单：PAY-3114接下来", "TICKET"),
        # hex that contains a test name
        ("Request-ID 591402c3-c495-459e-b12d-a1c636b74e75", "MEDICAL_TEST_RESULT"),
        ("md5 72f10199720aa06ac66cd42379bf7609", "MEDICAL_TEST_RESULT"),
        # words that are USPS suffixes, without an address around them
        ("I bought 5 Red Lights yesterday", "STREET_ADDRESS"),
        ("We have 3 Green Parks here", "STREET_ADDRESS"),
        ("Version 2.1 of A12.3456 release", "ICD10_CODE"),
        # two-character CJK drug brands are not matched inside other words
        ("这个功能可定制吗？", "MEDICATION"),
    ],
)
def test_labelled_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


def test_password_stops_at_chinese(detector: Detector) -> None:
    text = "问个问题：密码：tiger531$相关工单：PAY-3114接下来该怎么办？"
    assert_found(detector, text, "PASSWORD", "tiger531$")
    got = [f for f in detector.analyze(text, "zh") if f.entity_type == "PASSWORD"]
    assert all("PAY" not in text[f.start : f.end] for f in got)


def test_jieba_writes_no_cache(detector: Detector, tmp_path: pytest.TempPathFactory) -> None:
    import jieba

    detector.analyze("帮我给杜敏写一封道歉信。", "zh")
    # the default tokenizer (the one that caches to tempdir) is never initialised
    assert not jieba.dt.initialized
