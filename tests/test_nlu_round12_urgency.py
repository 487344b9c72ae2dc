"""Round 12 (urgency by mechanism): the families behind blind17/18's missed emergencies and false alarms, each written
here in phrasings of our own (zh, Traditional, Cantonese, English, typos and voice-typing slips), not the sets' lines:
an alarm sounding without pause, a misspelt gas or fire word, something loose at height over a path in use, a pipe
burst with its water spreading, a small child alone with no adult in sight; and for precision, worry about what may
come, a prevention wanted, a lasting state (a cold flat, a broken lift keeping someone upstairs, 'these few days'), a
matter handled or past, an animal's plight, a foul smell, a question for a service, a downpipe outside, thanks."""
import pytest

from bot.services.nlu import hazards
from bot.services.nlu.core import parse

URGENT = [
    # an alarm sounding now, not a battery's chirp
    "隔壁的一氧化碳报警器从中午一直响到现在，敲门没人开",
    "樓上煙感響個不停已經半個鐘，屋裡好像沒人",
    "the smoke alarm next door has been going nonstop for an hour and nobody's answering",
    "CO detector in 5-2-301 beeping continuously since 6pm, the old man lives alone",
    # a misspelt or mis-heard gas or fire word
    "厨房里一股没气味，是不是没气露了",
    "楼道里有股燃汽味，好重",
    "我家天燃气好像漏了 味道很冲",
    "i can smell gass in the stairwell of block 3",
    "3单元好像有人家着伙了 冒眼了",
    # something loose at height over a path in use
    "2号楼屋檐上挂着一排大冰锥，底下就是单元门，天天有人进出",
    "8栋楼顶的广告牌被风吹松了 一直在晃 下面是人行道",
    "huge icicles hanging over the entrance to block 7, people walk under them all day",
    "a flower pot fell off a balcony in tower B and nearly hit a kid, there are more pots up there still wobbling",
    "雨棚被雪压塌了一半吊在那儿，底下是幼儿园门口",
    # a pipe burst and its water spreading now
    "the radiator pipe split this morning and hot water is spreading across the living room floor",
    "暖气片爆了 热水喷了一地",
    "水管冻裂了 水流了一屋子 还在往外冒",
    # a small child alone, no adult in sight
    "公交站有个三四岁的小孩一个人在哭，周围没看到大人",
    "toddler wandering alone in the car park, no parents in sight",
    "a little girl about 3 on her own by the main road crying",
    # a scam under way: the victim on the way to the bank or transferring now
    "我妈接了个电话说是公安局的，现在正要去银行转钱，拦不住",
    "阿婆話有人打電話嚟話佢個仔出咗事要錢，而家去緊銀行",
    "楼下王大爷被人骗了，说是他孙子出车祸要钱，现在正在ATM机取钱",
    "my mum's on her way to the bank right now to withdraw 50k for a 'police officer' who called her",
    # people slipping now on water or ice where they pass
    "the path by block 2 is a sheet of ice and old people are slipping on it right now",
    # a beating now
    "停车场几个人把一个小伙子按在地上踹",
    # a crack widening now, told after a past time ("last night's rain"), something falling off it now
    "the crack in the wall by the playground got wider after last night's rain and bits are falling off",
    "围墙那道缝昨天下完雨裂得更宽了，现在还在往下掉砖渣，旁边就是车棚",
]

CALM = [
    # worry about what may come
    "楼道里堆了好多电动车电瓶，看着就怕，迟早出事",
    "the chargers piled next to the beds are a fire hazard, I'm worried",
    "健身器材有个螺丝露出来了 小孩会划伤",
    # a prevention wanted, a service done
    "建议给独居老人家里都装个燃气报警器，关键时候能救命",
    "could you hand out smoke alarms to every flat? would be good",
    "今天跟着网格员给老人装了烟雾报警器，两个半小时",
    # a lasting state
    "暖气一直不热，我奶奶在屋里穿着羽绒服还冷",
    "my grandma's heater is broken and she's been sleeping in two jumpers",
    "电梯坏了三天了，我爸住十二楼下不了楼",
    "lift has been broken for a week, my mum on the 15th floor can't get down to the shops",
    "最近小区门口老有陌生人转悠，有点担心",
    # handled or past
    "上周二电梯困过人，后来修好了",
    "the lift trapped me for half an hour last Monday, it's working now",
    "前天晚上楼下有人打架，警察来了就散了",
    "Any news on the leak I reported? Still waiting",
    # an animal's plight, insects at a window
    "小区门口有只受伤的流浪猫躺在那，谁能帮帮它",
    "a stray dog with an injured leg is lying by the bins",
    "树上的虫子顺着窗户爬进来了",
    # a foul smell from an ordinary source
    "楼道里一股尿骚味，熏死人了",
    "the bin area stinks of rotting rubbish, it's choking",
    # a question for a service or for information, thanks
    "老人卡在哪里办？我妈刚满60",
    "where do I apply for the heating subsidy for my dad",
    "Thanks for your help yesterday!",
    "有谁知道社区医院周末还开不开门",
    # a downpipe outside
    "5栋外面的落水管裂了 雨水顺着墙往下流",
    # scams talked about, one stopped in time
    "提醒大家最近冒充公安的诈骗电话很多，别上当",
    "我妈差点被骗，还好我拦住了",
    "下午我要去银行取钱交物业费",
    # worry about an event to come (a typhoon the day after tomorrow), hearsay from a neighbouring village
    "台风明天就到了，小区那几棵大树能不能提前修一修？怕到时候倒下来砸到人",
    "听说邻村有户人家烧煤中毒了，能不能给我们楼的老人都提醒一下",
    # over: the water has gone down; a lamp shade hanging half off, nobody under it; a habit
    "昨晚暴雨车库进水了，现在水退了，就是一地泥",
    "走廊的灯罩掉下来一半，吊着晃荡，灯也不亮了",
    "对面那只狗每天早上准时开始尖叫一样地叫",
    "外墙裂了一道缝，好几年了",
    "the crack got bigger last year, it was fixed",
    # a child looked after; a warning to everyone; a lift out with nobody in it
    "小孩在广场上玩，家长在旁边看着",
    "路面结冰了 大家出门小心",
    "电梯不动了，一直停在一楼",
]


@pytest.mark.parametrize("text", URGENT)
def test_round12_families_are_urgent(text):
    assert parse(text).urgent


@pytest.mark.parametrize("text", CALM)
def test_round12_false_alarm_families_stay_calm(text):
    assert not parse(text).urgent


@pytest.mark.parametrize("typed, meant", [
    ("楼道里一股没气味 是不是谁家没气露了", "楼道里一股煤气味 是不是谁家煤气漏了"),
    ("燃汽漏了", "煤气漏了"),
    ("there is a gass leek", "there is a gas leak"),
    ("着伙了", "着火了"),
])
def test_canon_puts_misheard_danger_words_right(typed, meant):
    assert hazards.canon(typed) == meant


@pytest.mark.parametrize("text", ["煤气罐没气了，能不能送一罐", "这个屋子没气味", "轮胎没气漏了半天"])
def test_canon_leaves_other_meanings_of_mei_qi_alone(text):
    assert hazards.canon(text) == text


@pytest.mark.parametrize("text", [
    "烟雾报警器一直滴滴响，是不是该换电池了",  # a chirp for its battery
    "the smoke alarm keeps chirping every minute, low battery I think",
    "楼下汽车的报警器一直响，吵死了",  # a car alarm
])
def test_a_chirp_or_a_car_alarm_is_no_alarm_sounding(text):
    assert not parse(text).urgent


def test_blind17_and_blind18_train_the_heads_and_are_learnt():
    # blind17/18 joined HAND_SETS in round 12: the shipped urgency head must place their emergencies above the line
    # and keep nearly all their calm reports below it, or it was not fitted with them.
    from bot.services.nlu import train
    from tests.test_nlu_round11_urgency import head_rates

    names = {p.name for p in train.HAND_SETS}
    assert {"nlu_blind17.jsonl", "nlu_blind18.jsonl"} <= names
    found, total, false_alarms, calm = head_rates(
        [p for p in train.HAND_SETS if p.name in ("nlu_blind17.jsonl", "nlu_blind18.jsonl")])
    assert total >= 80 and found / total >= 0.95
    assert false_alarms / calm <= 0.05


CANTONESE_AND_TRADITIONAL_URGENT = [
    "隔籬屋嘅一氧化碳警報器響咗成個下晝，拍門都冇人應",
    "樓道有陣煤氣味，係咪邊家煤氣露咗",
    "水喉爆咗，水浸到成個客廳，仲係度射緊水",
    "有個三歲左右嘅細路自己喺馬路邊喊，附近冇大人",
    "我爸接到個電話話係警察，而家喺銀行排緊隊轉錢",
]

CANTONESE_AND_TRADITIONAL_CALM = [
    "啲電芯疊晒喺床邊充電，睇住都驚",
    "建議每戶派個煙霧報警器",
    "暖氣唔夠熱，阿婆著住棉衲都話凍",
    "電梯壞咗三日，阿伯住廿樓落唔到街",
    "聽講隔籬村有人煤氣中毒，可唔可以提醒下啲老人家",
    "多謝你哋幫手！",
]


@pytest.mark.parametrize("text", CANTONESE_AND_TRADITIONAL_URGENT)
def test_round12_families_in_cantonese_are_urgent(text):
    assert parse(text).urgent


@pytest.mark.parametrize("text", CANTONESE_AND_TRADITIONAL_CALM)
def test_round12_calm_families_in_cantonese_stay_calm(text):
    assert not parse(text).urgent


ENGLISH_WITH_SLIPS_URGENT = [
    "theres smoke comming out of the flat above mine",
    "the fire alarm is going of nonstop in block 4 and no one is coming out",
    "smells like gass in the lobby really bad",
    "sheet of metal on the roof half torn off and flapping in the wind right above the school gate",
    "icicles the size of my arm hanging over the front door of block 9, kids go in and out all day",
    "pipe burst under the sink and water is pouring all over the kitchen floor",
]

ENGLISH_CALM = [
    "the gas bill this month is way too high",
    "smoke alarm keeps chirping, think it needs a new battery",
    "can we get more CO alarms for the older flats? worried about winter",
    "the icicles on block 9 were knocked down this morning, all clear now",
    "someone's been leaving rubbish in the stairwell and it stinks",
    "the heating's been off since yesterday and it's freezing, can someone look at it",
    "lift out again, my mum can't get upstairs with her shopping",
    "kids playing football in the car park with their parents watching",
    "Thank you so much for helping my dad yesterday",
]


@pytest.mark.parametrize("text", ENGLISH_WITH_SLIPS_URGENT)
def test_round12_english_with_slips_is_urgent(text):
    assert parse(text).urgent


@pytest.mark.parametrize("text", ENGLISH_CALM)
def test_round12_english_calm_stays_calm(text):
    assert not parse(text).urgent
