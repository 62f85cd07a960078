"""Test results in context: a named clinical measurement followed by its value, or a named
test followed by its outcome ("HbA1c 7.8%", "blood pressure 150/95", "HIV test came back
positive", "血糖 8.5 mmol/L", "Blutdruck 150/95")."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_TESTS = (
    r"hba1c|a1c|blood (?:sugar|glucose|pressure)|glucose|cholesterol|ldl|hdl|triglycerides?"
    r"|psa|tsh|t4|creatinine|egfr|hemoglobin|haemoglobin|white (?:blood )?cell count|wbc"
    r"|platelets?|bmi|viral load|cd4(?: count)?|inr|alt|ast|ferritin|vitamin d|crp"
    r"|nüchternblutzucker|nüchternzucker|langzeitzucker|blutzucker|blutdruck|cholesterinwert"
    r"|ldl-cholesterin|hdl-cholesterin|cholesterin|zuckerwert|hämoglobin|kreatinin|harnsäure"
    r"|viruslast|低密度脂蛋白(?:胆固醇)?|高密度脂蛋白(?:胆固醇)?|空腹血糖|餐后血糖|血糖|血压|糖化血红蛋白"
    r"|总胆固醇|胆固醇|血脂|甘油三酯|肌酐|转氨酶|血红蛋白|白细胞|血小板|病毒载量|尿酸"
)
_VALUE = (
    r"\d{1,4}(?:[.,]\d{1,3})?(?:\s?/\s?\d{2,3})?"
    r"(?:\s?(?:%|mg/dl|mmol/l|mmhg|g/dl|u/l|iu/l|ng/ml|µiu/ml|miu/l|copies/ml|kg/m2|毫摩尔))?"
)
_RESULT_WORDS = (
    r"positive|negative|abnormal|elevated|detected|reactive|positiv|negativ|auffällig"
    r"|阳性|阴性|异常|偏高|偏低|超标"
)
_NAMED_TESTS = (
    r"(?:hiv|covid|covid-19|pcr|pregnancy|std|sti|hepatitis [bc]?|drug|biopsy|pap|genetic|brca"
    r"|hiv-|schwangerschafts|corona|核酸|艾滋病|乙肝|妊娠|怀孕|hpv)\s?(?:test|tests|screening"
    r"|result|results|检测|检查|测试|结果)?"
)


class MedicalTestResultRecognizer(GuardRecognizer):
    ENTITIES = ("MEDICAL_TEST_RESULT",)
    RULES = (
        Rule(
            "measurement with value",
            rf"(?i)(?<![a-z0-9äöüß])(?:{_TESTS})(?:\s?(?:level|levels|reading|wert|值|水平))?"
            rf"(?:\s?(?:is|was|of|at|=|:|：|ist|war|是|为|达到|高达))?\s?(?:{_VALUE})(?![0-9a-z])",
            0.6,
            0.8,
        ),
        Rule(
            "named test with outcome",
            rf"(?i)(?<![a-z])(?:tested (?:{_RESULT_WORDS})"
            rf"(?: for [a-z0-9\- ]{{2,20}}?)?(?=[.,;!\s]|$)"
            rf"|{_NAMED_TESTS}\s?(?:came back |was |is |ist |war |呈|显示|为|是)?"
            rf"\s?(?:{_RESULT_WORDS}))",
            0.6,
            0.8,
        ),
    )
    CONTEXT = ("result", "test", "lab", "检查", "化验", "报告", "Befund", "Labor", "Wert")
