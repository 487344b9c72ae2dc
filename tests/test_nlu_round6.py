"""Round 6: urgency by hazard concepts (bot/services/nlu/hazards.py). An acute description of a danger class is
urgent unless the message says it is over, past, supposed, a drill, a rules question, a purchase, hearsay or a habit."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.services.nlu import hazards, parse
from bot.services.nlu.cli import evaluate
from bot.services.nlu.core import get_taxonomy
from bot.services.nlu.text import normalise, to_mandarin

DATA = Path(__file__).parent / "data"


def _hits(text: str) -> set[str]:
    tax = get_taxonomy()
    return {h.cls for h in hazards.detect(to_mandarin(normalise(text)), tax.danger.vetoes)}


# Indirect descriptions, one or more per danger class, in Simplified, Traditional, Cantonese and English.
URGENT = [
    ("窗户缝里往外透着红光，窗帘都黑了", "fire"),
    ("楼道里一股塑料烧焦的味道，越来越浓", "fire"),
    ("The bin store has an orange glow inside and the corridor smells of melting plastic", "fire"),
    ("燃气表那边嘶嘶地响，关了总阀还在响", "gas"),
    ("Whole landing reeks of rotten eggs, my son says he feels dizzy", "gas"),
    ("路灯底座泡在积水里，踩过去脚都发麻", "electric"),
    ("Water is running down the wall into the fuse box", "electric"),
    ("楼梯拐角有个大爷靠墙坐着，嘴唇发紫，叫他也不答应", "person_down"),
    ("婆婆坐喺地下，手一直震，叫佢都唔識應", "person_down"),
    ("Our neighbour is shouting for help through the wall, I think she fell", "person_down"),
    ("电梯停在两层中间，里面有个孕妇说喘不上气", "trapped"),
    ("孫仔喺商場門口唔見咗，著藍色衫", "missing"),
    ("My grandpa has dementia and wandered out of the home this morning, still no sign of him", "missing"),
    ("三岁的小孩一个人在池塘边玩，边上没大人", "exposed"),
    ("楼下两个人在打架，有一个拿着菜刀追", "violence"),
    ("几个人把一个学生按在地上踢", "violence"),
    ("有人在撬对门的锁，那家人出去旅游了", "intrusion"),
    ("外墙的瓷砖一直往下掉，下面就是人行道", "structure"),
    ("Chunks of plaster keep dropping off the balcony over the entrance", "structure"),
    ("楼上水管爆了，水顺着墙流进我家卧室", "flood"),
    ("停车场一辆车底下漏了一大摊汽油，味道很冲", "vehicle"),
    ("消防车进不来，通道被车堵死了，那边楼在冒烟", "vehicle"),
    ("一条大狗没拴绳，把一个小学生扑倒在咬", "animal"),
    ("灭鼠药撒在滑梯边，有个小孩在往嘴里塞", "toxic"),
]

# Look-alikes: the same concepts told as over, past, supposed, a drill, a rules question, a purchase, hearsay, a habit,
# a smell put down to the drains or to cooking, an animal rather than a person.
CALM = [
    "昨天晚上楼道里有股烧焦味，后来查了是有人烧纸，已经没事了",
    "要是家里燃气漏了，应该先关阀门还是先开窗？",
    "下周三小区搞消防演练，到时候楼道会放烟，大家别慌",
    "想买个家用燃气报警器，社区有推荐的吗",
    "听说隔壁小区有人煤气中毒了，我们小区的管道也该查查",
    "The drains smell like rotten eggs after the rain",
    "中午隔壁炒辣椒呛得我们直咳嗽 现在已经散了",
    "楼下那家的狗不拴绳 见人就扑 我家孩子都被吓哭好几回了",
    "有只猫在楼顶叫了好几天 好像下不来",
    "钥匙锁在家里了，有没有开锁电话",
    "单元门禁坏了 刷卡没反应",
    "绿化带里的杂草比人还高 夏天怕有蛇",
    "草地好耐冇剪，啲草高到膝頭哥，驚有蛇",
    "充电桩那个插座烧黑了一块 好几天了 希望换个新的",
    "小区里的狗没拴绳 追着小孩跑了几步 被主人叫回去了",
    "刚刚电梯停了一下 我被关了几十秒 后来自己开了 人没事",
    "走失的那个奶奶已经找到了，谢谢大家",
    "上次着火烧黑的墙到现在还没刷",
]


@pytest.mark.parametrize("text,cls", URGENT)
def test_indirect_danger_is_urgent(text, cls):
    assert cls in _hits(text), text
    r = parse(text)
    assert r.intent == "report" and r.urgent, text


@pytest.mark.parametrize("text", CALM)
def test_look_alikes_are_not_hazards(text):
    assert _hits(text) == set(), text


@pytest.mark.parametrize("text", CALM[:8])
def test_look_alikes_are_not_urgent(text):
    assert not parse(text).urgent, text


def test_questions_and_claims_stay_what_they_are():
    assert parse("any update on the gas smell I reported?").intent == "status_query"
    r = parse("spent the morning helping clear the flooded basement, about 3 hours")
    assert r.intent == "volunteer_claim" and not r.urgent


def test_a_hazard_leans_the_category_to_its_class():
    assert parse("停车场几个人把一个小伙子按在地上踹").category == "public_order"


def test_fresh_r6_recall_and_precision():
    rows = [json.loads(line) for line in (DATA / "nlu_fresh_r6.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    res = evaluate(rows)
    assert res["urgent_recall"] == 1.0
    assert res["urgent_precision"] >= 0.9
