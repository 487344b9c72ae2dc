"""The asymmetric rule of the danger stage (danger.PresentDanger, danger.yaml `present`): a hazard with a marker of now
in one clause, a victim writing, a beating heard now or a scam under way is urgent whatever vetoes stand in other
clauses (a cigarette, a toilet, a habit, a past event); only a guard in the same clause (a risk imagined, a matter
settled, the hazard denied, a bill, a past or habit word with no marker of now beside it) cancels it. The sentences
are written for these tests, not taken from any labelled set."""
import pytest

from bot.services.nlu import parse
from bot.services.nlu.core import get_taxonomy
from bot.services.nlu.text import normalise


def strong(text):
    return [h.frame for h in get_taxonomy().danger.strong_present(normalise(text))]


@pytest.mark.parametrize("text, veto_elsewhere", [
    # a veto word in another clause never cancels a hazard that is present now
    ("对门家的燃气好像漏了 走廊里全是那股味 门口还有个人在抽烟", "抽烟"),
    ("the gas smell on our landing is getting stronger, a guy is smoking by the lift too", "smoking"),
    ("后院有人在烧落叶 烟一直往我们卧室里灌 火还没灭", "烧落叶"),
    ("上个月刚修过的插座 现在又在冒火花", "上个月"),
    ("他天天喝酒 今晚又在客厅砸东西 刚才掐我脖子", "天天"),
    ("我老公在外面踹门 我带着孩子反锁在卫生间里", "卫生间"),
    ("厨房下水道堵了好几天 今天脏水都漫进客厅了 还在往外冒", "好几天"),
    ("我妈刚刚在电话里跟一个自称法院的人说话 对方让她去银行转账", "电话"),
    ("楼顶那个水箱一直漏 水滴到配电箱上了 还在滴", "一直漏"),
    ("墙上那道裂缝前几天还是细的 今天裂缝里还在往下掉灰 越来越宽", "前几天"),
])
def test_strong_present_danger_outranks_vetoes_in_other_clauses(text, veto_elsewhere):
    assert veto_elsewhere in normalise(text)
    assert strong(text), text
    r = parse(text)
    assert r.intent == "report" and r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text", [
    # a mixed message and Cantonese: the hazard noun class and the marker of now compose
    "楼梯间gas味越来越重 我头有点晕",
    "隔篱屋个厨房仲喺度出紧烟 冇人应门",
    "there's smoke coming under the door of 4B right now",
    "she's hitting her kid in the car park, the kid is screaming",
    "my husband is drunk and he hit me, I'm hiding in the bathroom",
])
def test_hazard_or_victim_with_now_is_strong(text):
    assert strong(text), text
    assert parse(text).urgent


@pytest.mark.parametrize("text", [
    # the guard stands in the same clause as the hazard: it cancels
    "要是楼道里全是烟 该往上跑还是往下跑",                      # a risk imagined
    "if the smoke is coming in under the door, what should we do",
    "厨房着火了 现在已经灭了 没人受伤",                         # settled
    "刚才闻到一点焦味 原来是隔壁在烧烤",                       # ordinary smoke, said of this smell
    "燃气费现在怎么交 一直没收到单子",                          # a bill
    "上个月楼下着火那次 烧黑的墙到现在都没刷",                  # past, and 'still not repainted' is no fire now
    "物业查过了 现在没有煤气味了",                              # denied and settled
    "楼下那家天天在阳台抽烟 烟味一直飘上来",                    # cigarettes, a habit
    "孩子他爸以前喝醉了打过我 现在离婚了 想咨询一下抚养费",     # past, over
    "有人冒充物业挨家挨户推销净水器 我没买",                    # a sales pitch, nobody losing money now
])
def test_guard_in_the_same_clause_cancels(text):
    assert not strong(text), (text, strong(text))


def test_the_model_alone_is_not_silenced_by_a_smoke_veto_about_something_else():
    # "厕所" is on the ordinary-smoke list (a source of smells); it says nothing about a beating.
    r = parse("我男朋友喝多了在打我 我现在躲在厕所里给你们发消息")
    assert r.urgent and r.category == "public_order", r.evidence


def test_a_toy_still_silences_the_model():
    r = parse("楼下几个孩子拿着玩具刀在追着玩 吓了我一跳 原来是玩具")
    assert not r.urgent, r.evidence


@pytest.mark.parametrize("text, frame", [
    ("楼后面轰的一声巨响 我们这栋玻璃都震碎了 大家都往外跑", "explosion_felt"),
    ("对面那栋刚才一声巨响 整个阳台都在晃", "explosion_felt"),
    ("小区门口站着个老爷爷 问他什么都说不出自己家在哪", "confused_elder"),
    ("健身区的护栏断了 下面就是地下车库的天井 好几个小孩还在那边爬", "children_at_an_open_hazard"),
    ("广告牌松了 就挂在幼儿园入口正上方 晃来晃去", "hanging_right_over"),
    ("对门李奶奶平时天天早上出来倒垃圾 今天到中午都没见 敲门没人应", "routine_broken"),
    ("隔壁把猫关在屋里就出远门了 这几天猫叫得越来越弱 现在都没声了", "animal_trapped"),
    ("my dad's speech is suddenly slurred and he can't lift his arm", "stroke_signs"),
])
def test_whole_classes_the_blind_sets_missed(text, frame):
    assert frame in strong(text), (text, strong(text))
    assert parse(text).urgent


@pytest.mark.parametrize("text", [
    "过年放鞭炮一声巨响 把我家狗吓得直抖",                     # festive bang
    "我爸中风后说话一直含糊不清 能不能申请上门康复",            # chronic, a care request
    "公园那段护栏坏了好久了 孩子们经常在那边玩 建议修一下",      # habit, a suggestion
    "有人冒充燃气公司上门推销报警器 我差点就买了",              # near miss, over
])
def test_their_look_alikes_stay_calm(text):
    assert not strong(text), (text, strong(text))


def test_a_noise_complaint_is_no_alarm_for_the_model_alone():
    # 'still at it at midnight' is a grievance: the nuisance words keep the urgency model's view from raising it.
    r = parse("楼上现在还在拖椅子 吵得睡不着")
    assert r.intent == "report" and not r.urgent, r.evidence


@pytest.mark.parametrize("text", [
    # Cantonese is read once more in Mandarin words, so the Mandarin rules apply to it
    "阿爷跌咗喺浴室 起唔到身 叫佢都唔应",
    "升降机困住咗两个人 入面好焗 佢哋话透唔到气",
    # a property crime still going on; valuables being handed to someone who claims to be an official
    "有个人在车棚一直在撬电动车的锁 现在还没走",
    "楼下有人自称社保局的 现在在收老人的银行卡和密码",
    # a vulnerable person gone just now, told beside a habit
    "my grandad keeps wandering and he just walked out of the gate, we can't find him",
])
def test_structural_generalisations(text):
    r = parse(text)
    assert r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text", [
    "要是家里煤气泄漏了 是不是不能关电闸",                    # a supposing clause, even with an 'always' cue
    "隔壁装修一直在砸墙 吵死了",                              # renovation, not a break-in
    "刚才有人说冒烟了 我下去看了 是有人在烤串 不是着火",        # the writer looked: no fire
    "燃气表一直在走字 我们家都没开火 是不是表有问题",          # a meter, not a leak to run from
])
def test_structural_look_alikes(text):
    r = parse(text)
    assert not r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text", [
    "住三楼的阿伯喺天台跌亲 撞到个头 而家仲喺度坐住唔郁",     # a fall, now; Cantonese; the marker two clauses on
    "someone has set the bike shed alight and it's spreading towards the flats",
    "Mr Zhao next door has had his TV on loud since yesterday and nobody is answering",
])
def test_round4_probe_classes(text):
    assert parse(text).urgent, text


@pytest.mark.parametrize("text", [
    "锅里的油着了 我拿锅盖盖灭了 没事 就是墙熏黑了",
    "一只大狗追着小朋友跑了几步 被主人喊回去了",
    "上回王奶奶在家摔倒 多亏发现得早 现在已经出院了 想申请个呼叫器",
    "我外婆散步摔了一跤 擦破点皮 自己走回家了",
])
def test_round4_probe_look_alikes(text):
    assert not parse(text).urgent, text


def test_the_cantonese_reading_keeps_mandarin_words_whole():
    from bot.services.nlu.text import to_mandarin

    # 电话 is a word in both; only Cantonese grammar words are replaced
    assert to_mandarin(normalise("阿婆喺屋企 電話打唔通 佢話好頭暈")) == "阿婆在屋企 电话打不通 他说好头晕"
    assert to_mandarin("楼道灯坏了") == "楼道灯坏了"
