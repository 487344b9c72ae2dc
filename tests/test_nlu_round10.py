"""Round 10: the airway and other acute medical signs belong to the hazard concepts' 'person with acute symptoms'
class; the hand-written resident sets train the category and intent heads while the measuring sets stay out of
training. Each case is a general form of a mechanism, not a line of any evaluation set."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from bot.services.nlu import hazards, parse
from bot.services.nlu import train
from bot.services.nlu.model import MODEL_PATH
from bot.services.nlu.text import normalise

# Choking, turning blue, a fit, chest pain, breath that will not come: a person in acute trouble, now.
ACUTE = [
    "楼上有个小孩吃糖噎住了",
    "老太太吃汤圆噎着了，脸憋得发紫",
    "孩子把硬币卡在喉咙里了",
    "隔壁大爷突然心口痛，直冒冷汗",
    "我爸胸痛得厉害，左手发麻",
    "老伴哮喘发作了，药找不到",
    "小孩发高烧，全身抽筋",
    "我妈突然呼吸不上来了",
    "邻居好像突然中风了，嘴歪了",
    "my grandson is choking on a grape",
    "a man at the bus stop is clutching his chest",
    "my husband has chest pains and feels sick",
    "the lady downstairs is having a seizure",
    "my wife is short of breath and her lips are turning blue",
    "someone in the lift is having a heart attack",
    "my daughter is having an allergic reaction, her throat is swelling",
]


@pytest.mark.parametrize("text", ACUTE)
def test_acute_medical_signs_are_person_down(text):
    hits = {h.cls for h in hazards.detect(normalise(text))}
    assert "person_down" in hits
    r = parse(text)
    assert r.intent == "report" and r.urgent


# The same words told as over, supposed, a habit, a question about what to do, an idiom or a thing.
CALM = [
    "如果老人吃饭噎住了该怎么办",
    "去年我爸胸口疼住过院，想问问有没有护理补贴",
    "孩子吃饭老是噎着，社区有没有急救培训",
    "小区的网站又抽风了，登不上去",
    "厨房的抽风机坏了，油烟散不出去",
    "what should we do if someone is choking?",
    "my dad had a seizure last year, can we get a carer visit",
    "the drilling upstairs is giving me a heart attack",
    "the drain outside block 3 is choked with leaves",
    "they are fitting a new door in the lobby",
]


@pytest.mark.parametrize("text", CALM)
def test_acute_words_not_now_are_not_person_down(text):
    assert "person_down" not in {h.cls for h in hazards.detect(normalise(text))}


def test_heart_attack_is_no_violence():
    assert "violence" not in {h.cls for h in hazards.detect(normalise("an old man is having a heart attack in the car park"))}
    assert "violence" in {h.cls for h in hazards.detect(normalise("a man is attacking people with a bottle"))}


def test_hand_sets_are_not_measuring_sets():
    hand = {p.name for p in train.HAND_SETS}
    assert hand and all(n.startswith("nlu_blind") for n in hand)
    measuring = {p.name for p in train.MEASURING}
    assert not hand & measuring
    assert "dev.jsonl" in measuring and "nlu_heldout.jsonl" in measuring
    assert any(n.startswith("nlu_fresh_") for n in measuring)


@pytest.mark.parametrize("name", ["dev.jsonl", "nlu_heldout.jsonl", "nlu_fresh_r4.jsonl"])
def test_train_refuses_measuring_sets_as_hand_sets(name, tmp_path):
    p = tmp_path / name
    p.write_text(json.dumps({"text": "路灯坏了", "intent": "report", "category": "lighting"}) + "\n", encoding="utf-8")
    assert train.main(["--hand-set", str(p), "--out", str(tmp_path / "m.json.gz"), "--no-write-corpus"]) == 2
    assert train.main(["--extra", str(p), "--out", str(tmp_path / "m.json.gz"), "--no-write-corpus"]) == 2
    assert not (tmp_path / "m.json.gz").exists()


def test_model_heads_share_one_vocabulary():
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    assert set(data["heads"]) == {"category", "intent", "urgent"}
    assert len(data["features"]) == len(set(data["features"]))


def test_runtime_does_not_import_training_tools():
    code = ("import sys; from bot.services.nlu import parse; parse('3号楼楼道灯坏了'); parse('my neighbour is choking'); "
            "bad = [m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules]; print(','.join(bad)); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(train.ROOT))
    assert out.returncode == 0, out.stdout + out.stderr


# Live wires bared where people are now: electric, urgent. Bared wires with nobody named near are a repair.
@pytest.mark.parametrize("text", [
    "配电箱被撞开了，铜线都露在外面，旁边好多小孩在玩",
    "路口那根电线杆倒了，电线露出来，边上一堆人在等车",
    "bare wires sticking out of the lamp post and children are waiting for the school bus right next to it",
])
def test_bared_wires_near_people_are_electric(text):
    assert "electric" in {h.cls for h in hazards.detect(normalise(text))}
    assert parse(text).urgent


@pytest.mark.parametrize("text", ["exposed wires hanging near the playground", "楼道里有根电线露在外面，麻烦找人包一下"])
def test_bared_wires_alone_are_no_electric_hazard(text):
    assert "electric" not in {h.cls for h in hazards.detect(normalise(text))}
