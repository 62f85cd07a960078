"""Written templates for the detection corpus, per language.

A template is text with slots: `{TYPE}` is a labelled value of an entity type (names from
guard/entities.py), `{neg:kind}` a hard negative (see `values.NEGATIVES`). Templates used in tool
arguments must not contain characters JSON escapes (quotes, backslashes, newlines).
"""

from __future__ import annotations

SECRET_TYPES = ("API_KEY", "PRIVATE_KEY", "JWT", "PASSWORD", "CONNECTION_STRING")

# One sentence per slot: the sentences a chat message is built from.
SENTENCES: dict[str, dict[str, list[str]]] = {
    "en": {
        "PERSON": [
            "My name is {PERSON}.",
            "Please add {PERSON} to the invoice.",
            "{PERSON} called this morning about the delay.",
            "Can you draft a polite reply to {PERSON}?",
            "I'm writing on behalf of {PERSON}.",
            "Our new hire {PERSON} starts Monday.",
        ],
        "EMAIL_ADDRESS": [
            "Email me at {EMAIL_ADDRESS}.",
            "Her address is {EMAIL_ADDRESS} if needed.",
            "Send the report to {EMAIL_ADDRESS} please.",
        ],
        "PHONE_NUMBER": [
            "You can reach me on {PHONE_NUMBER}.",
            "Call {PHONE_NUMBER} after 5pm.",
            "His cell is {PHONE_NUMBER}.",
        ],
        "STREET_ADDRESS": [
            "Ship it to {STREET_ADDRESS}.",
            "I live at {STREET_ADDRESS}.",
            "The office moved to {STREET_ADDRESS}.",
        ],
        "LOCATION": ["I just moved to {LOCATION} for work.", "We'll meet in {LOCATION} next week."],
        "CREDIT_CARD": [
            "My card number is {CREDIT_CARD}.",
            "Charge it to {CREDIT_CARD} please.",
            "The card {CREDIT_CARD} was declined twice.",
        ],
        "IBAN_CODE": ["Please wire the refund to IBAN {IBAN_CODE}.", "My IBAN is {IBAN_CODE}."],
        "BANK_ACCOUNT": [
            "My account number is {BANK_ACCOUNT}.",
            "Deposit it into checking account {BANK_ACCOUNT}.",
        ],
        "SWIFT_CODE": ["The SWIFT code is {SWIFT_CODE}.", "Use BIC {SWIFT_CODE} for the transfer."],
        "ABA_ROUTING_NUMBER": [
            "The routing number is {ABA_ROUTING_NUMBER}.",
            "Our bank's ABA routing number is {ABA_ROUTING_NUMBER}.",
        ],
        "US_SSN": [
            "My SSN is {US_SSN}.",
            "Social security number: {US_SSN}",
            "Her social is {US_SSN}, is that needed on the W-4?",
        ],
        "US_ITIN": ["My ITIN is {US_ITIN}.", "He files taxes with ITIN {US_ITIN}."],
        "US_EIN": ["Our company's EIN is {US_EIN}.", "Employer identification number {US_EIN}."],
        "CRYPTO": ["Send the BTC to {CRYPTO}.", "My bitcoin wallet is {CRYPTO}."],
        "SALARY": ["My salary is {SALARY} a year.", "They offered me {SALARY} base salary."],
        "ACCOUNT_BALANCE": [
            "My checking balance is {ACCOUNT_BALANCE} right now.",
            "The account shows a balance of {ACCOUNT_BALANCE}.",
        ],
        "MEDICAL_CONDITION": [
            "I was diagnosed with {MEDICAL_CONDITION} last year.",
            "My father has {MEDICAL_CONDITION}.",
            "Is it safe to fly with {MEDICAL_CONDITION}?",
        ],
        "MEDICATION": [
            "I take {MEDICATION} every morning.",
            "The doctor prescribed {MEDICATION}.",
            "Can I drink alcohol while on {MEDICATION}?",
        ],
        "MEDICAL_PROCEDURE": [
            "I'm scheduled for {MEDICAL_PROCEDURE} on Friday.",
            "She had {MEDICAL_PROCEDURE} in March.",
        ],
        "MEDICAL_TEST_RESULT": [
            "My latest lab shows {MEDICAL_TEST_RESULT}.",
            "The results came back: {MEDICAL_TEST_RESULT}.",
        ],
        "ICD10_CODE": [
            "The claim lists diagnosis code {ICD10_CODE}.",
            "Why was ICD-10 {ICD10_CODE} rejected?",
        ],
        "US_MBI": ["My Medicare number is {US_MBI}.", "Medicare Beneficiary Identifier {US_MBI}."],
        "US_NPI": ["The referring provider's NPI is {US_NPI}.", "Bill it under NPI {US_NPI}."],
        "MEDICAL_RECORD_NUMBER": [
            "Patient MRN {MEDICAL_RECORD_NUMBER} needs a follow-up.",
            "Her medical record number is {MEDICAL_RECORD_NUMBER}.",
        ],
        "API_KEY": [
            "Here is my key: {API_KEY} - why does it return 401?",
            "export OPENAI_API_KEY={API_KEY}",
            "Is {API_KEY} still valid?",
        ],
        "PRIVATE_KEY": ["This is the deploy key:\n{PRIVATE_KEY}\nWhy does ssh reject it?"],
        "JWT": ["The token is {JWT}, can you decode it?", "Authorization: Bearer {JWT}"],
        "PASSWORD": [
            "The password is {PASSWORD}",
            "password: {PASSWORD}",
            "Log in with admin / {PASSWORD} and check the settings.",
        ],
        "CONNECTION_STRING": [
            "DATABASE_URL={CONNECTION_STRING}",
            "Connect with {CONNECTION_STRING} and tell me why it times out.",
        ],
    },
    "zh": {
        "PERSON": [
            "我叫{PERSON}。",
            "请把{PERSON}加到发票上。",
            "{PERSON}今天上午打电话来问进度。",
            "帮我给{PERSON}写一封道歉信。",
            "新同事{PERSON}下周一入职。",
            "客户{PERSON}投诉了两次。",
        ],
        "EMAIL_ADDRESS": ["我的邮箱是{EMAIL_ADDRESS}。", "请把报告发到{EMAIL_ADDRESS}。"],
        "PHONE_NUMBER": [
            "我的手机号是{PHONE_NUMBER}。",
            "有事打{PHONE_NUMBER}找我。",
            "联系电话：{PHONE_NUMBER}",
        ],
        "STREET_ADDRESS": [
            "收货地址：{STREET_ADDRESS}",
            "我住在{STREET_ADDRESS}。",
            "公司搬到了{STREET_ADDRESS}。",
        ],
        "LOCATION": ["我下个月搬去{LOCATION}工作。", "我们下周在{LOCATION}见面。"],
        "CREDIT_CARD": ["我的银行卡号是{CREDIT_CARD}。", "信用卡{CREDIT_CARD}被拒了两次。"],
        "IBAN_CODE": ["请汇款到IBAN {IBAN_CODE}。"],
        "BANK_ACCOUNT": ["我的银行账号是{BANK_ACCOUNT}。", "收款账号：{BANK_ACCOUNT}"],
        "SWIFT_CODE": ["银行SWIFT代码是{SWIFT_CODE}。"],
        "CN_RESIDENT_ID": [
            "我的身份证号是{CN_RESIDENT_ID}。",
            "身份证号码：{CN_RESIDENT_ID}",
            "帮我核对一下身份证{CN_RESIDENT_ID}的出生日期。",
        ],
        "CN_PASSPORT": ["我的护照号码是{CN_PASSPORT}。", "护照号：{CN_PASSPORT}"],
        "CN_USCC": ["公司统一社会信用代码：{CN_USCC}", "开票信息里的税号是{CN_USCC}。"],
        "CRYPTO": ["请把比特币转到{CRYPTO}。", "我的BTC钱包地址是{CRYPTO}。"],
        "SALARY": ["我的月薪是{SALARY}。", "他们给我开的工资是{SALARY}。"],
        "ACCOUNT_BALANCE": ["我的账户余额还有{ACCOUNT_BALANCE}。", "卡里余额为{ACCOUNT_BALANCE}。"],
        "MEDICAL_CONDITION": [
            "我去年被诊断出{MEDICAL_CONDITION}。",
            "我父亲有{MEDICAL_CONDITION}。",
            "{MEDICAL_CONDITION}患者可以坐飞机吗？",
        ],
        "MEDICATION": [
            "我每天早上吃{MEDICATION}。",
            "医生给我开了{MEDICATION}。",
            "吃{MEDICATION}期间可以喝酒吗？",
        ],
        "MEDICAL_PROCEDURE": [
            "我周五要做{MEDICAL_PROCEDURE}。",
            "她三月份做了{MEDICAL_PROCEDURE}。",
        ],
        "MEDICAL_TEST_RESULT": [
            "最新化验结果：{MEDICAL_TEST_RESULT}。",
            "体检显示{MEDICAL_TEST_RESULT}。",
        ],
        "ICD10_CODE": ["诊断编码是{ICD10_CODE}。", "为什么ICD-10编码{ICD10_CODE}被拒了？"],
        "MEDICAL_RECORD_NUMBER": [
            "病历号{MEDICAL_RECORD_NUMBER}需要复诊。",
            "住院号：{MEDICAL_RECORD_NUMBER}",
        ],
        "API_KEY": [
            "这是我的密钥：{API_KEY}，为什么返回401？",
            "export DASHSCOPE_API_KEY={API_KEY}",
        ],
        "PRIVATE_KEY": ["这是部署用的私钥：\n{PRIVATE_KEY}\n为什么ssh不认？"],
        "JWT": ["令牌是{JWT}，帮我解码一下。", "Authorization: Bearer {JWT}"],
        "PASSWORD": [
            "密码是{PASSWORD}",
            "密码：{PASSWORD}",
            "用admin和密码{PASSWORD}登录后台看看。",
        ],
        "CONNECTION_STRING": [
            "数据库连接串是{CONNECTION_STRING}",
            "DATABASE_URL={CONNECTION_STRING}",
        ],
    },
    "de": {
        "PERSON": [
            "Ich heiße {PERSON}.",
            "Bitte nimm {PERSON} in die Rechnung auf.",
            "{PERSON} hat heute früh wegen der Lieferung angerufen.",
            "Schreib bitte eine höfliche Antwort an {PERSON}.",
            "Unsere neue Kollegin {PERSON} fängt am Montag an.",
        ],
        "EMAIL_ADDRESS": [
            "Meine E-Mail ist {EMAIL_ADDRESS}.",
            "Schick den Bericht bitte an {EMAIL_ADDRESS}.",
        ],
        "PHONE_NUMBER": [
            "Du erreichst mich unter {PHONE_NUMBER}.",
            "Ruf {PHONE_NUMBER} nach 17 Uhr an.",
            "Telefon: {PHONE_NUMBER}",
        ],
        "STREET_ADDRESS": [
            "Lieferadresse: {STREET_ADDRESS}",
            "Ich wohne in der {STREET_ADDRESS}.",
            "Das Büro ist umgezogen: {STREET_ADDRESS}.",
        ],
        "LOCATION": ["Ich ziehe nächsten Monat nach {LOCATION}.", "Wir treffen uns in {LOCATION}."],
        "CREDIT_CARD": [
            "Meine Kreditkartennummer ist {CREDIT_CARD}.",
            "Die Karte {CREDIT_CARD} wurde zweimal abgelehnt.",
        ],
        "IBAN_CODE": [
            "Bitte überweise die Erstattung auf IBAN {IBAN_CODE}.",
            "Meine IBAN: {IBAN_CODE}",
        ],
        "BANK_ACCOUNT": ["Meine Kontonummer ist {BANK_ACCOUNT}.", "Kontonr. {BANK_ACCOUNT}"],
        "SWIFT_CODE": ["Der BIC lautet {SWIFT_CODE}."],
        "DE_TAX_ID": [
            "Meine Steuer-ID ist {DE_TAX_ID}.",
            "Steuerliche Identifikationsnummer: {DE_TAX_ID}",
        ],
        "CRYPTO": ["Schick die Bitcoin an {CRYPTO}.", "Meine BTC-Adresse ist {CRYPTO}."],
        "SALARY": [
            "Mein Jahresgehalt beträgt {SALARY} brutto.",
            "Sie bieten mir {SALARY} Gehalt an.",
        ],
        "ACCOUNT_BALANCE": [
            "Mein Kontostand ist gerade {ACCOUNT_BALANCE}.",
            "Das Konto weist ein Guthaben von {ACCOUNT_BALANCE} aus.",
        ],
        "MEDICAL_CONDITION": [
            "Bei mir wurde letztes Jahr {MEDICAL_CONDITION} festgestellt.",
            "Mein Vater hat {MEDICAL_CONDITION}.",
            "Darf man mit {MEDICAL_CONDITION} fliegen?",
        ],
        "MEDICATION": [
            "Ich nehme jeden Morgen {MEDICATION}.",
            "Die Ärztin hat mir {MEDICATION} verschrieben.",
            "Darf ich unter {MEDICATION} Alkohol trinken?",
        ],
        "MEDICAL_PROCEDURE": [
            "Am Freitag habe ich eine {MEDICAL_PROCEDURE}.",
            "Sie hatte im März eine {MEDICAL_PROCEDURE}.",
        ],
        "MEDICAL_TEST_RESULT": [
            "Mein letzter Laborwert: {MEDICAL_TEST_RESULT}.",
            "Der Befund zeigt {MEDICAL_TEST_RESULT}.",
        ],
        "ICD10_CODE": [
            "Auf der Krankmeldung steht {ICD10_CODE}.",
            "Diagnoseschlüssel {ICD10_CODE}",
        ],
        "DE_HEALTH_INSURANCE": [
            "Meine Krankenversichertennummer ist {DE_HEALTH_INSURANCE}.",
            "Versichertennummer: {DE_HEALTH_INSURANCE}",
        ],
        "MEDICAL_RECORD_NUMBER": [
            "Patientennummer {MEDICAL_RECORD_NUMBER} braucht einen Termin.",
            "Fallnummer: {MEDICAL_RECORD_NUMBER}",
        ],
        "API_KEY": [
            "Hier ist mein Schlüssel: {API_KEY} - warum kommt 401?",
            "export OPENAI_API_KEY={API_KEY}",
        ],
        "PRIVATE_KEY": ["Das ist der Deploy-Key:\n{PRIVATE_KEY}\nWarum lehnt ssh ihn ab?"],
        "JWT": ["Das Token ist {JWT}, kannst du es dekodieren?", "Authorization: Bearer {JWT}"],
        "PASSWORD": [
            "Das Passwort ist {PASSWORD}",
            "Passwort: {PASSWORD}",
            "Melde dich mit admin / {PASSWORD} an und prüf die Einstellungen.",
        ],
        "CONNECTION_STRING": [
            "DATABASE_URL={CONNECTION_STRING}",
            "Verbinde dich mit {CONNECTION_STRING} und sag mir, warum es hängt.",
        ],
    },
}

OPENERS = {
    "en": ["", "", "Hi!", "Quick question.", "Hey, can you help me with this?", "Context:"],
    "zh": ["", "", "你好，", "问个问题：", "帮我处理一下："],
    "de": ["", "", "Hallo!", "Kurze Frage:", "Kannst du mir helfen?"],
}

CLOSERS = {
    "en": ["", "", "Thanks!", "Can you summarize this for me?", "What should I do next?"],
    "zh": ["", "", "谢谢！", "帮我总结一下。", "接下来该怎么办？"],
    "de": ["", "", "Danke!", "Kannst du das zusammenfassen?", "Was soll ich als Nächstes tun?"],
}

NEGATIVE_SENTENCES: dict[str, list[str]] = {
    "en": [
        "The build {neg:version} fails with {neg:http_status}.",
        "Order {neg:order_number} was charged {neg:price}.",
        "Request id {neg:uuid} timed out at {neg:timestamp}.",
        "Commit {neg:git_sha} broke the {neg:product} deploy.",
        "The file checksum is {neg:sha256}.",
        "md5 of the upload: {neg:md5}",
        "I ran `{neg:code}` and got {neg:http_status}.",
        "We moved the bucket to {neg:product} last sprint, see {neg:ticket}.",
        "Barcode {neg:ean} scans as the wrong item.",
        "It costs {neg:price} on sale.",
    ],
    "zh": [
        "版本{neg:version}一直报{neg:http_status}。",
        "订单号{neg:order_number}，金额{neg:price}。",
        "请求ID {neg:uuid} 在{neg:timestamp}超时。",
        "提交{neg:git_sha}把{neg:product}的部署搞坏了。",
        "文件校验值是{neg:sha256}。",
        "上传文件的md5：{neg:md5}",
        "我执行了`{neg:code}`，返回{neg:http_status}。",
        "商品条码{neg:ean}扫出来不对。",
        "这款{neg:product}现在只要{neg:price}。",
        "相关工单：{neg:ticket}",
    ],
    "de": [
        "Version {neg:version} bricht mit {neg:http_status} ab.",
        "Bestellung {neg:order_number} wurde mit {neg:price} abgebucht.",
        "Request-ID {neg:uuid} lief um {neg:timestamp} in ein Timeout.",
        "Commit {neg:git_sha} hat das {neg:product}-Deployment kaputt gemacht.",
        "Die Prüfsumme der Datei ist {neg:sha256}.",
        "MD5 des Uploads: {neg:md5}",
        "Ich habe `{neg:code}` ausgeführt und {neg:http_status} bekommen.",
        "Artikelnummer (EAN) {neg:ean} wird falsch gescannt.",
        "Der {neg:product} kostet gerade {neg:price}.",
        "Siehe Ticket {neg:ticket}.",
    ],
}

# Pasted documents: one per line list, joined with newlines.
DOCUMENTS: dict[str, list[list[str]]] = {
    "en": [
        [
            "Patient intake form",
            "Name: {PERSON}",
            "Phone: {PHONE_NUMBER}",
            "Address: {STREET_ADDRESS}",
            "MRN: {MEDICAL_RECORD_NUMBER}",
            "Medicare ID: {US_MBI}",
            "Diagnosis: {MEDICAL_CONDITION} ({ICD10_CODE})",
            "Current medication: {MEDICATION}",
            "Recent labs: {MEDICAL_TEST_RESULT}",
            "Referring NPI: {US_NPI}",
            "Plan: {MEDICAL_PROCEDURE} next month. Form id {neg:uuid}.",
        ],
        [
            "From: {EMAIL_ADDRESS}",
            "To: {EMAIL_ADDRESS}",
            "Subject: wire instructions",
            "Hi {PERSON},",
            "please send the deposit to account {BANK_ACCOUNT} (routing "
            "{ABA_ROUTING_NUMBER}, SWIFT {SWIFT_CODE}). "
            "The invoice {neg:order_number} is {neg:price}.",
            "Thanks, {PERSON}",
            "{PHONE_NUMBER}",
        ],
        [
            "EMPLOYEE RECORD",
            "Employee: {PERSON}",
            "SSN: {US_SSN}",
            "Home: {STREET_ADDRESS}",
            "Annual salary: {SALARY}",
            "Direct deposit IBAN: {IBAN_CODE}",
            "Emergency contact: {PERSON}, {PHONE_NUMBER}",
            "Record updated {neg:timestamp}",
        ],
        [
            "Support ticket {neg:ticket}",
            "Customer {PERSON} ({EMAIL_ADDRESS}) says the card "
            "{CREDIT_CARD} was charged twice for order {neg:order_number}.",
            "Current balance: {ACCOUNT_BALANCE}. Refund to {CRYPTO} was requested instead.",
            "Logs: request {neg:uuid} returned {neg:http_status} on {neg:version}.",
        ],
        [
            "Tax preparation notes",
            "Client: {PERSON}, ITIN {US_ITIN}",
            "Business: EIN {US_EIN}",
            "Mailing address: {STREET_ADDRESS}",
            "Checking balance at year end: {ACCOUNT_BALANCE}",
            "Prepared with {neg:product}",
        ],
        [
            "Discharge summary",
            "Patient {PERSON}, MRN {MEDICAL_RECORD_NUMBER}, was admitted with {MEDICAL_CONDITION}.",
            "Procedure: {MEDICAL_PROCEDURE}.",
            "Labs on discharge: {MEDICAL_TEST_RESULT}.",
            "Discharged on {MEDICATION}.",
            "Codes: {ICD10_CODE}. Follow-up in {LOCATION}.",
        ],
    ],
    "zh": [
        [
            "患者登记表",
            "姓名：{PERSON}",
            "身份证号：{CN_RESIDENT_ID}",
            "电话：{PHONE_NUMBER}",
            "住址：{STREET_ADDRESS}",
            "病历号：{MEDICAL_RECORD_NUMBER}",
            "诊断：{MEDICAL_CONDITION}（{ICD10_CODE}）",
            "用药：{MEDICATION}",
            "检查结果：{MEDICAL_TEST_RESULT}",
            "计划：{MEDICAL_PROCEDURE}。表单编号{neg:uuid}",
        ],
        [
            "转账信息",
            "收款人：{PERSON}",
            "收款账号：{BANK_ACCOUNT}",
            "开户行SWIFT：{SWIFT_CODE}",
            "联系电话：{PHONE_NUMBER}",
            "备注：订单{neg:order_number}，金额{neg:price}",
        ],
        [
            "员工档案",
            "姓名：{PERSON}",
            "身份证：{CN_RESIDENT_ID}",
            "护照：{CN_PASSPORT}",
            "月薪：{SALARY}",
            "工资卡：{CREDIT_CARD}",
            "邮箱：{EMAIL_ADDRESS}",
            "紧急联系人：{PERSON} {PHONE_NUMBER}",
            "更新时间：{neg:timestamp}",
        ],
        [
            "客服工单{neg:ticket}",
            "客户{PERSON}（{EMAIL_ADDRESS}）反映银行卡{CREDIT_CARD}在订单{neg:order_number}被重复扣款。",
            "账户余额：{ACCOUNT_BALANCE}。",
            "日志：请求{neg:uuid}在版本{neg:version}返回{neg:http_status}。",
        ],
        [
            "开票信息",
            "公司名称：某某科技有限公司",
            "统一社会信用代码：{CN_USCC}",
            "地址：{STREET_ADDRESS}",
            "联系人：{PERSON} {PHONE_NUMBER}",
            "开户账号：{BANK_ACCOUNT}",
        ],
        [
            "出院小结",
            "患者{PERSON}，病历号{MEDICAL_RECORD_NUMBER}，因{MEDICAL_CONDITION}入院。",
            "手术：{MEDICAL_PROCEDURE}。",
            "出院时{MEDICAL_TEST_RESULT}。",
            "出院带药：{MEDICATION}。",
            "诊断编码：{ICD10_CODE}。建议回{LOCATION}复查。",
        ],
    ],
    "de": [
        [
            "Patientenaufnahme",
            "Name: {PERSON}",
            "Telefon: {PHONE_NUMBER}",
            "Anschrift: {STREET_ADDRESS}",
            "Versichertennummer: {DE_HEALTH_INSURANCE}",
            "Fallnummer: {MEDICAL_RECORD_NUMBER}",
            "Diagnose: {MEDICAL_CONDITION} ({ICD10_CODE})",
            "Medikation: {MEDICATION}",
            "Labor: {MEDICAL_TEST_RESULT}",
            "Geplant: {MEDICAL_PROCEDURE}. Formular {neg:uuid}",
        ],
        [
            "Von: {EMAIL_ADDRESS}",
            "An: {EMAIL_ADDRESS}",
            "Betreff: Überweisung",
            "Hallo {PERSON},",
            "bitte überweise die Kaution auf IBAN {IBAN_CODE} (BIC {SWIFT_CODE}). "
            "Rechnung {neg:order_number} über {neg:price}.",
            "Viele Grüße",
            "{PERSON}",
            "{PHONE_NUMBER}",
        ],
        [
            "Personalbogen",
            "Name: {PERSON}",
            "Steuer-ID: {DE_TAX_ID}",
            "Anschrift: {STREET_ADDRESS}",
            "Jahresgehalt: {SALARY}",
            "Bankverbindung: Kontonummer {BANK_ACCOUNT}",
            "Notfallkontakt: {PERSON}, {PHONE_NUMBER}",
            "Stand: {neg:timestamp}",
        ],
        [
            "Support-Ticket {neg:ticket}",
            "Kunde {PERSON} ({EMAIL_ADDRESS}) meldet, dass die Karte "
            "{CREDIT_CARD} für Bestellung {neg:order_number} doppelt belastet wurde.",
            "Kontostand: {ACCOUNT_BALANCE}. Erstattung auf {CRYPTO} gewünscht.",
            "Logs: Request {neg:uuid} lieferte {neg:http_status} auf {neg:version}.",
        ],
        [
            "Entlassungsbrief",
            "Patient {PERSON}, Fallnummer {MEDICAL_RECORD_NUMBER}, wurde mit "
            "{MEDICAL_CONDITION} aufgenommen.",
            "Eingriff: {MEDICAL_PROCEDURE}.",
            "Laborwerte bei Entlassung: {MEDICAL_TEST_RESULT}.",
            "Entlassmedikation: {MEDICATION}.",
            "ICD-10: {ICD10_CODE}. Weiterbehandlung in {LOCATION}.",
        ],
    ],
}

# Pasted secrets: config files, logs. Kept apart from personal data so a blocked secret does not
# hide how the personal data would have fared.
SECRET_DOCUMENTS: dict[str, list[list[str]]] = {
    lang: [
        [
            "# .env",
            "APP_ENV=production",
            "DATABASE_URL={CONNECTION_STRING}",
            "API_KEY={API_KEY}",
            "RELEASE={neg:version}",
            "BUILD_SHA={neg:git_sha}",
        ],
        [
            "{neg:timestamp} INFO request {neg:uuid} ok",
            "{neg:timestamp} DEBUG auth header: Bearer {JWT}",
            "{neg:timestamp} ERROR {neg:http_status} from upstream",
        ],
        ["ssh key for the build box:", "{PRIVATE_KEY}", "fingerprint md5 {neg:md5}"],
        [
            "config.yaml",
            "db:",
            "  user: admin",
            "  password: {PASSWORD}",
            "  port: 5432",
            "image: app:{neg:version}",
        ],
    ]
    for lang in ("en", "zh", "de")
}

# Tool-call arguments: (key, template) pairs written as one JSON object.
TOOL_ARGS: dict[str, list[list[tuple[str, str]]]] = {
    "en": [
        [
            ("customer", "{PERSON}"),
            ("email", "{EMAIL_ADDRESS}"),
            ("note", "call back on {PHONE_NUMBER}"),
        ],
        [
            ("recipient", "{PERSON}"),
            ("address", "{STREET_ADDRESS}"),
            ("order", "{neg:order_number}"),
        ],
        [
            ("card_number", "{CREDIT_CARD}"),
            ("amount", "{neg:price}"),
            ("memo", "refund {neg:order_number}"),
        ],
        [("payee", "{PERSON}"), ("iban", "{IBAN_CODE}"), ("bic", "{SWIFT_CODE}")],
        [
            ("account", "{BANK_ACCOUNT}"),
            ("routing", "{ABA_ROUTING_NUMBER}"),
            ("balance", "{ACCOUNT_BALANCE}"),
        ],
        [("name", "{PERSON}"), ("ssn", "{US_SSN}"), ("salary", "{SALARY}")],
        [("taxpayer", "{PERSON}"), ("itin", "{US_ITIN}"), ("employer_ein", "{US_EIN}")],
        [
            ("patient", "{PERSON}"),
            ("mrn", "{MEDICAL_RECORD_NUMBER}"),
            ("diagnosis", "{MEDICAL_CONDITION}"),
        ],
        [("query", "interactions of {MEDICATION} with {MEDICATION}"), ("age", "54")],
        [("member_id", "{US_MBI}"), ("provider_npi", "{US_NPI}"), ("icd10", "{ICD10_CODE}")],
        [
            ("summary", "patient had {MEDICAL_PROCEDURE}, {MEDICAL_TEST_RESULT}"),
            ("city", "{LOCATION}"),
        ],
        [("wallet", "{CRYPTO}"), ("request_id", "{neg:uuid}")],
        [("api_key", "{API_KEY}"), ("region", "us-east-1")],
        [("token", "{JWT}"), ("trace", "{neg:uuid}")],
        [("dsn", "{CONNECTION_STRING}"), ("query", "{neg:code}")],
        [("username", "admin"), ("password", "{PASSWORD}")],
    ],
    "zh": [
        [("客户", "{PERSON}"), ("邮箱", "{EMAIL_ADDRESS}"), ("备注", "回电{PHONE_NUMBER}")],
        [("收件人", "{PERSON}"), ("地址", "{STREET_ADDRESS}"), ("订单号", "{neg:order_number}")],
        [
            ("银行卡号", "{CREDIT_CARD}"),
            ("金额", "{neg:price}"),
            ("备注", "退款{neg:order_number}"),
        ],
        [("收款人", "{PERSON}"), ("账号", "{BANK_ACCOUNT}"), ("swift", "{SWIFT_CODE}")],
        [("姓名", "{PERSON}"), ("身份证号", "{CN_RESIDENT_ID}"), ("手机", "{PHONE_NUMBER}")],
        [("姓名", "{PERSON}"), ("护照号", "{CN_PASSPORT}"), ("月薪", "{SALARY}")],
        [("公司税号", "{CN_USCC}"), ("余额", "{ACCOUNT_BALANCE}"), ("iban", "{IBAN_CODE}")],
        [
            ("患者", "{PERSON}"),
            ("病历号", "{MEDICAL_RECORD_NUMBER}"),
            ("诊断", "{MEDICAL_CONDITION}"),
        ],
        [("问题", "{MEDICATION}和{MEDICATION}能一起吃吗"), ("年龄", "54")],
        [
            ("摘要", "患者做了{MEDICAL_PROCEDURE}，{MEDICAL_TEST_RESULT}"),
            ("编码", "{ICD10_CODE}"),
            ("城市", "{LOCATION}"),
        ],
        [("钱包", "{CRYPTO}"), ("请求ID", "{neg:uuid}")],
        [("api_key", "{API_KEY}"), ("region", "cn-beijing")],
        [("token", "{JWT}"), ("trace", "{neg:uuid}")],
        [("dsn", "{CONNECTION_STRING}"), ("sql", "{neg:code}")],
        [("用户名", "admin"), ("密码", "{PASSWORD}")],
    ],
    "de": [
        [
            ("kunde", "{PERSON}"),
            ("email", "{EMAIL_ADDRESS}"),
            ("notiz", "Rückruf unter {PHONE_NUMBER}"),
        ],
        [
            ("empfaenger", "{PERSON}"),
            ("adresse", "{STREET_ADDRESS}"),
            ("bestellung", "{neg:order_number}"),
        ],
        [
            ("kartennummer", "{CREDIT_CARD}"),
            ("betrag", "{neg:price}"),
            ("zweck", "Erstattung {neg:order_number}"),
        ],
        [("zahlungsempfaenger", "{PERSON}"), ("iban", "{IBAN_CODE}"), ("bic", "{SWIFT_CODE}")],
        [("kontonummer", "{BANK_ACCOUNT}"), ("kontostand", "{ACCOUNT_BALANCE}")],
        [("name", "{PERSON}"), ("steuer_id", "{DE_TAX_ID}"), ("gehalt", "{SALARY}")],
        [
            ("patient", "{PERSON}"),
            ("fallnummer", "{MEDICAL_RECORD_NUMBER}"),
            ("diagnose", "{MEDICAL_CONDITION}"),
        ],
        [("frage", "Wechselwirkung von {MEDICATION} mit {MEDICATION}"), ("alter", "54")],
        [("versichertennummer", "{DE_HEALTH_INSURANCE}"), ("icd10", "{ICD10_CODE}")],
        [
            ("zusammenfassung", "Patient hatte {MEDICAL_PROCEDURE}, {MEDICAL_TEST_RESULT}"),
            ("ort", "{LOCATION}"),
        ],
        [("wallet", "{CRYPTO}"), ("request_id", "{neg:uuid}")],
        [("api_key", "{API_KEY}"), ("region", "eu-central-1")],
        [("token", "{JWT}"), ("trace", "{neg:uuid}")],
        [("dsn", "{CONNECTION_STRING}"), ("abfrage", "{neg:code}")],
        [("benutzer", "admin"), ("passwort", "{PASSWORD}")],
    ],
}

NEGATIVE_DOCUMENTS: dict[str, list[list[str]]] = {
    "en": [
        [
            "CHANGELOG",
            "## {neg:version}",
            "- fix {neg:http_status} on upload ({neg:git_sha})",
            "- bump {neg:product} client",
            "## {neg:version}",
            "- released {neg:timestamp}",
        ],
        [
            "Order confirmation {neg:order_number}",
            "Item: {neg:product}  {neg:price}",
            "EAN {neg:ean}",
            "Placed {neg:timestamp}",
            "Tracking ref {neg:uuid}",
        ],
        [
            "deploy log",
            "{neg:timestamp} pulling image sha256:{neg:sha256}",
            "{neg:timestamp} ran {neg:code}",
            "{neg:timestamp} {neg:http_status} from {neg:product}",
        ],
    ],
    "zh": [
        [
            "更新日志",
            "## {neg:version}",
            "- 修复上传{neg:http_status}（{neg:git_sha}）",
            "- 升级{neg:product}客户端",
            "- 发布于{neg:timestamp}",
        ],
        [
            "订单确认{neg:order_number}",
            "商品：{neg:product} {neg:price}",
            "条码：{neg:ean}",
            "下单时间：{neg:timestamp}",
            "物流单号：{neg:uuid}",
        ],
        [
            "部署日志",
            "{neg:timestamp} 拉取镜像 sha256:{neg:sha256}",
            "{neg:timestamp} 执行 {neg:code}",
            "{neg:timestamp} {neg:product} 返回 {neg:http_status}",
        ],
    ],
    "de": [
        [
            "Änderungsprotokoll",
            "## {neg:version}",
            "- {neg:http_status} beim Upload behoben ({neg:git_sha})",
            "- {neg:product}-Client aktualisiert",
            "- veröffentlicht {neg:timestamp}",
        ],
        [
            "Bestellbestätigung {neg:order_number}",
            "Artikel: {neg:product} {neg:price}",
            "EAN {neg:ean}",
            "Bestellt am {neg:timestamp}",
            "Sendungsreferenz {neg:uuid}",
        ],
        [
            "Deploy-Log",
            "{neg:timestamp} lade Image sha256:{neg:sha256}",
            "{neg:timestamp} {neg:code}",
            "{neg:timestamp} {neg:http_status} von {neg:product}",
        ],
    ],
}

NEGATIVE_TOOL_ARGS: list[list[tuple[str, str]]] = [
    [("order_id", "{neg:order_number}"), ("sha", "{neg:git_sha}")],
    [("request_id", "{neg:uuid}"), ("status", "{neg:http_status}"), ("at", "{neg:timestamp}")],
    [("sku", "{neg:ean}"), ("price", "{neg:price}"), ("product", "{neg:product}")],
    [("checksum", "{neg:sha256}"), ("version", "{neg:version}")],
    [("command", "{neg:code}"), ("ticket", "{neg:ticket}")],
    [("etag", "{neg:md5}"), ("version", "{neg:version}")],
]
