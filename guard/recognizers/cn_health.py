"""Chinese diseases, symptoms and drugs by how the words are built.

Chinese names a disease by an organ and what is wrong with it (胃 + 炎, 乳腺 + 癌, 肾 + 结石,
甲状腺 + 结节), a symptom by a body part and what it feels (头 + 痛, 腰 + 酸, 腿 + 麻), and a drug
by its class ending (阿奇 + 霉素, 阿托伐 + 他汀) or its form (感冒灵 + 颗粒). The lists below are
the parts; `disease_terms` and `symptom_terms` give their products for the Aho-Corasick
lexicons, so matching stays one pass. Modifiers in front (急性, 慢性, 2型, 晚期 ...) are taken
into the span by `extend_left`.
"""

from __future__ import annotations

import re

from guard.recognizers.health_vocab import word_set

# Organs and tissues that take a disease ending.
_ORGANS = word_set("""
心脏 心肌 心包 心内膜 心瓣膜 冠状动脉 主动脉 肝 肝脏 胆 胆囊 胆管 胃 肠 小肠 大肠 结肠 直肠
十二指肠 阑尾 食管 食道 胰 胰腺 脾 脾脏 肺 支气管 气管 喉 咽 咽喉 鼻 鼻窦 鼻咽 鼻腔 扁桃体 口腔
牙龈 牙周 牙髓 舌 唇 眼 角膜 结膜 视网膜 虹膜 眼睑 泪囊 中耳 外耳 内耳 耳 脑 脑膜 大脑 小脑
神经 脊髓 脊柱 颈椎 腰椎 胸椎 椎间盘 骨 骨髓 关节 膝关节 髋关节 肩关节 肩周 皮肤 毛囊 汗腺
皮脂腺 乳腺 乳房 子宫 子宫内膜 宫颈 卵巢 输卵管 阴道 外阴 盆腔 附件 前列腺 睾丸 附睾 精囊
膀胱 尿道 肾 肾脏 肾盂 输尿管 甲状腺 甲状旁腺 肾上腺 垂体 淋巴 淋巴结 血管 动脉 静脉 腮腺
龟头 包皮 腱鞘 滑膜 筋膜 肌肉 腹膜 胸膜 声带 肛门 肛周 骨盆 肋软骨 软骨 鼻中隔 会厌 贲门
幽门 回肠 空肠 腹腔 胸腔 颅内 脑血管 心血管 血液 乳头 阴茎 外生殖器 生殖器 尿路 泌尿系 消化道
呼吸道
""")
# Endings that make an organ a disease (胃炎, 肺癌, 肾结石, 肝硬化, 甲状腺结节).
_DISEASE_ENDINGS = word_set("""
炎 癌 肿瘤 瘤 结石 囊肿 息肉 溃疡 出血 衰竭 功能衰竭 功能不全 梗死 梗塞 硬化 增生 结节 积液
积水 肿大 病 病变 疾病 损伤 纤维化 萎缩 狭窄 穿孔 脱垂 糜烂 肥大 扩张 骨折 感染 结核 畸形
功能亢进 功能减退 癌症 肉瘤 脓肿 血肿 水肿 钙化 栓塞 血栓 破裂 缺血 供血不足 神经痛 发炎 炎症
""")
# Products that mean something else ("心病" is a worry).
_NOT_DISEASES = frozenset({"心病", "神经病", "耳病", "唇病"})

# Body parts that take a symptom ending (头痛, 腰酸, 腿麻).
_BODY = word_set("""
头 头部 后脑勺 额头 太阳穴 眼睛 眼 眼球 眼眶 耳朵 耳 鼻子 嗓子 喉咙 咽喉 咽 牙 牙齿 牙龈 嘴
嘴唇 舌头 脖子 颈部 颈 肩膀 肩 肩部 手 手臂 胳膊 手腕 手指 腿 大腿 小腿 膝盖 膝 脚 脚踝 脚趾
脚跟 足 足跟 关节 肌肉 全身 身上 腹部 下腹 小腹 上腹 肚子 胃 胃部 腰 腰部 背 背部 后背 胸
胸口 胸部 心口 两肋 肋骨 屁股 臀部 乳房 乳头 阴部 下体 肛门 尾骨 腰椎 颈椎 骨头
""")
_SYMPTOM_ENDINGS = word_set("""
痛 疼 疼痛 酸痛 胀痛 刺痛 隐痛 绞痛 剧痛 酸 酸胀 发酸 麻 发麻 麻木 肿 肿胀 红肿 痒 瘙痒 发痒
出血 不适 无力 抽筋 僵硬 发热 发烫 发冷 发胀 胀 难受 痉挛
""")
# Products that are figures of speech more often than complaints.
_NOT_SYMPTOMS = frozenset({"手痒", "手麻", "头大", "嘴痒", "心酸", "手酸", "脚麻", "胃口"})

DISEASE_MODIFIERS = word_set("""
急性 慢性 亚急性 原发性 继发性 先天性 遗传性 家族性 过敏性 病毒性 细菌性 真菌性 感染性 反流性
萎缩性 浅表性 糜烂性 化脓性 出血性 缺血性 梗阻性 阻塞性 间质性 溃疡性 特发性 良性 恶性 晚期
早期 中期 末期 轻度 中度 重度 轻微 严重 小儿 儿童 婴儿 新生儿 老年 老年性 妊娠 妊娠期 产后
复发性 顽固性 习惯性 功能性 器质性 神经性 酒精性 药物性 病理性 生理性 季节性 1型 2型 I型 II型
一型 二型 双侧 单侧 左侧 右侧 多发性 弥漫性 局限性 转移性 浸润性 非小细胞 小细胞 鳞状细胞 腺
""")
_MODIFIER_RE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, DISEASE_MODIFIERS), key=len, reverse=True)) + ")+$"
)

# Drug class endings (阿奇霉素, 阿莫西林, 左氧氟沙星, 阿托伐他汀, 氨氯地平) and dosage forms
# (感冒灵颗粒, 六味地黄丸, 阿莫西林胶囊). A specific class ending ends a drug name whatever is in
# front of it; a short or common one (唑, 嗪, 沙星 of "长沙星域") needs a name in front made of the
# characters drug names are transliterated with. A few classes are names on their own (头孢克肟).
_STRONG_CLASS = (
    "霉素|西林|他汀|地平|普利|沙坦|洛尔|拉唑|替丁|西泮|唑仑|环素|康唑|米星|培南|替尼|单抗|比星"
    "|西平|洛韦|昔韦|拉韦|布韦|格列酮|列净|利汀|鲁肽|洛芬|昔布|曲坦|司琼|斯汀|西酞普兰|西汀|哌酮"
    "|双胍|那非|他非|替芬|抑制剂|阻滞剂|拮抗剂|激动剂"
)
_DRUG_CLASS = "沙星|卡因|嗪|唑"
_WHOLE_CLASS = "头孢[\u4e00-\u9fff]{1,2}|磺胺[\u4e00-\u9fff]{0,3}|胰岛素"
_DRUG_FORM = (
    "缓释片|肠溶片|分散片|泡腾片|含片|胶囊|颗粒|冲剂|口服液|注射液|注射剂|针剂|丸|软膏|乳膏|糖浆"
    "|滴剂|滴眼液|滴鼻液|喷雾剂|气雾剂|贴剂|混悬液|洗剂|搽剂|凝胶|酊|合剂|片|散|栓"
)
_SUFFIX_RE = re.compile(
    rf"(?P<whole>{_WHOLE_CLASS})(?:{_DRUG_FORM})?|(?P<strong>{_STRONG_CLASS})(?:{_DRUG_FORM})?"
    rf"|(?P<cls>{_DRUG_CLASS})(?:{_DRUG_FORM})?"
    rf"|(?P<form>{_DRUG_FORM})"
)
# Characters that end a drug name on its left: verbs, particles, pronouns ("吃了", "服用", "和").
_NAME_STOP = set(
    "了的是在和与及或用吃服喝打开给把被过要想能会就都也还又再该每天片次粒支盒瓶我你他她它们请问"
    "有买拿带换停加减试这那种些点个第部首出款看拍，。、；：！？"
)
# Words with a dosage-form ending that are no drug (a testicle, a meatball, a time capsule).
_NOT_DRUGS = re.compile(
    r"(?:睾丸|肉丸|鱼丸|丸子|弹丸|颗粒物|胶囊旅馆|时间胶囊|药丸|鸡丸|汤丸|照片|图片|卡片|名片|影片|唱片"
    r"|芯片|切片|刀片|鱼片|薯片|肉片|明信片|大片|短片|面片|胶片|底片|镜片|晶片|叶片|碎片|动画片|纪录片"
    r"|宣传片|预告片|相片|画片|纸片|木片|铁片|瓦片|土豆片|牛肉片|香蕉片|苹果片|麦片|片片|一片|两片|几片"
    r"|整片|成片|大片|小片|药片|雪片|花片|肥皂片|玻璃片|金属片|塑料片"
    # films by genre (爱情片, 资料片), and 散/栓 of other words (扩散, 解散, 血栓)
    r"|(?:爱情|喜剧|科幻|动作|恐怖|惊悚|战争|武侠|文艺|警匪|灾难|悬疑|犯罪|故事|黑白|彩色|国产|进口|商业"
    r"|枪战|功夫|古装|青春|家庭|剧情|历史|传记|公益|资料|主题|电影|影视|样|新|老|旧)片"
    r"|扩散|分散|解散|松散|发散|疏散|闲散|懒散|失散|拆散|走散|飘散|消散|涣散|四散|驱散|打散|吹散|溃散|冲散"
    r"|血栓|门栓|消栓|枪栓|木栓)$"
)
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")


def disease_terms() -> list[str]:
    return [
        organ + ending
        for organ in _ORGANS
        for ending in _DISEASE_ENDINGS
        if organ + ending not in _NOT_DISEASES
    ]


def symptom_terms() -> list[str]:
    return [
        body + ending
        for body in _BODY
        for ending in _SYMPTOM_ENDINGS
        if body + ending not in _NOT_SYMPTOMS
    ]


def extend_left(text: str, start: int) -> int:
    """The start of a Chinese disease name whose core starts at `start`, with its modifiers."""
    if start == 0:
        return start
    window = text[max(0, start - 12) : start]
    m = _MODIFIER_RE.search(window)
    return start - len(m.group(0)) if m else start


def drug_spans(text: str, name_chars: frozenset[str]) -> list[tuple[int, int]]:
    """Chinese drug names by class ending or dosage form. `name_chars`: the characters a
    transliterated drug name is made of (a class ending needs one or more of them in front)."""
    spans: list[tuple[int, int]] = []
    for m in _SUFFIX_RE.finditer(text):
        start = m.start()
        if m.group("whole") is not None:
            spans.append((start, m.end()))
            continue
        limit = max(0, start - 6)
        s = start
        if m.group("strong") is not None:
            limit = max(0, start - 4)
            while s > limit and _CJK_CHAR.match(text[s - 1]) and text[s - 1] not in _NAME_STOP:
                s -= 1
            if start - s < 1:
                continue
        elif m.group("cls") is not None:
            while s > limit and text[s - 1] in name_chars and text[s - 1] not in _NAME_STOP:
                s -= 1
            if start - s < 1:
                continue
        else:
            while s > limit and _CJK_CHAR.match(text[s - 1]) and text[s - 1] not in _NAME_STOP:
                s -= 1
            if start - s < 2 or _NOT_DRUGS.search(text, s, m.end()):
                continue
        spans.append((s, m.end()))
    return spans
