"""The claim frame: a message that tells a past service activity the writer did, with a duration or a stretch of the
clock, is a volunteer claim even when it says nothing of points ("给楼里老人讲了半小时用药常识", "扫雪 半小时",
"two hours painting the fence", "4h"). The frame: first person or no subject; a helping or service verb or a known
activity; done (了/过/咗, a past time, or the amount said as a bare tail); an amount of time or a clock range; and none
of what makes a duration a complaint: how long a problem has lasted or someone waited ("停水两个小时了", "waited two
hours"), others doing something from 7 to 8 (noise, workers, neighbours), a plan, a suggestion or a question."""
from __future__ import annotations

import re

from .numerals import _spans


def _rx(p: str) -> re.Pattern:
    return re.compile(p, re.ASCII)


# Helping and service verbs, and service activities named as nouns.
_SERVICE_ZH = _rx(
    r"帮|协助|陪|照顾|照看|看护|探访|走访|入户|看望|慰问|教|辅导|补课|讲|宣传|普及|劝导|劝|引导|指挥|疏导|维持|"
    r"值班|值守|站岗|执勤|巡逻|巡查|巡|打扫|清扫|清理|清运|清洁|保洁|扫|铲|擦|捡|拾|疏通|搬|整理|录入|登记|统计|"
    r"发放|分发|派发|送|配送|修剪|浇|种|除草|拔草|张贴|布置|搭|做饭|理发|剪头发|义诊|量血压|讲解|翻译|读报|念|跑腿|"
    r"跑|收拾|维修|修|通知|排查|消杀|消毒|分拣|义工|志愿|服务|忙活|忙|干活|干|做|弄|搞|当|幫|做咗|搞咗|"
    # winter services: spreading ash, salt or grit on ice, breaking ice; a show put on for the served
    r"撒(?:炉灰|煤灰|灰|盐|沙子?|融雪剂|防滑)|除冰|凿冰|砸冰|敲冰|刨冰|破冰|义演|慰问演出|"
    # flood defence: sandbags, pumping water out, a night's watch
    r"执(?:垃圾|嘢|拾|屋)|(?:堆|垒|码|抬|扛|装|填|运|放|摆|背)\s*(?:了|咗)?\s*(?:[一二两三四五六七八九十几百\d]+\s*[个袋包]?)?\s*(?:沙袋|沙包)|抽水|排水|舀水|守夜|值夜|"
    r"守(?:着|了|咗)?\s*(?:抽水泵|水泵|泵|沙袋|闸|挡水板|路口|卡口)|守(?:了|咗)\s*(?:一|半|整|一整)?\s*(?:个)?\s*(?:晚上|夜|宿|天|上午|下午|通宵)|看门|把门|"
    # snow cleared (清雪, 清了两个钟头的雪), leaflets or alarms handed out, door to door, duty at a school gate, organising
    r"清雪|除雪|清(?:了|咗)[^,，。;；!！?？]{0,8}?雪|发(?:了|咗)?[^,，。;；!！?？]{0,6}?(?:传单|宣传单|单张|宣传资料|资料|报警器|口罩|物资|手册|册子|"
    r"礼包|慰问品|福字|对联)|挨家挨户|逐户|督导|护学|组织工作|给[\u4e00-\u9fff]{1,8}?上(?:了|咗)?[^,，。]{0,6}?课"
)
_SERVICE_EN = _rx(
    r"\b(?:help(?:ed|ing)?|assist(?:ed|ing)?|clear(?:ed|ing)?|clean(?:ed|ing)?|swept|sweep(?:ing)?|paint(?:ed|ing)|"
    r"taught|teach(?:ing)?|tutor(?:ed|ing)?|coach(?:ed|ing)|mentor(?:ed|ing)|patrol(?:led|ling|s)?|visit(?:ed|ing)|"
    r"deliver(?:ed|ing)|sort(?:ed|ing)|hand(?:ed|ing) out|pick(?:ed|ing) up|litter|shovel(?:l?ed|l?ing)|grit(?:ted|ting)|"
    r"set(?:ting)? up|steward(?:ed|ing)|marshal(?:l?ed|l?ing)|read(?:ing)? (?:(?:the|a|an|some|his|her|their) )?(?:[a-z-]+ ){0,2}?to\b|sat (?:with|and (?:read|talked|chatted|played))|cook(?:ed|ing)|serv(?:ed|ing)|"
    r"organi[sz](?:ed|ing)|fix(?:ed|ing)|repair(?:ed|ing)|plant(?:ed|ing)|weed(?:ed|ing)|mow(?:ed|ing)|watered|"
    r"collect(?:ed|ing)|distribut(?:ed|ing)|translat(?:ed|ing)|escort(?:ed|ing)|accompan(?:ied|ying)|supervis(?:ed|ing)|"
    r"volunteer(?:ed|ing)?|snow clearing|spent|did|gave|worked|ran|led|sessions?|shifts?|"
    # Services residents name by what they did: staffing a table, door-knocking, interpreting, packing parcels.
    r"man(?:ned|ning)|staff(?:ed|ing)|host(?:ed|ing)|usher(?:ed|ing)|greet(?:ed|ing)|befriend(?:ed|ing)|canvass(?:ed|ing)|"
    r"leaflet(?:t?ed|t?ing)|chip(?:ped|ping) (?:\w+ )?ice|scrap(?:ed|ing) (?:the )?(?:ice|snow|frost)|break(?:ing)? (?:up )?(?:the )?ice|broke (?:up )?(?:the )?ice|de-?ic(?:ed|ing)|"
    r"salt(?:ed|ing) (?:the )?(?:path|paths|steps|stairs|pavement|drive|ramp|road|entrance)|door.?knock(?:ed|ing)|knock(?:ed|ing) on doors|interpret(?:ed|ing)|interpreter|"
    r"call(?:ed|ing) (?:on|round)|check(?:ed|ing) (?:in )?on|look(?:ed|ing) after|took care of|taking care of|babysat|"
    r"on duty|on (?:the )?(?:[a-z-]+ ){0,2}rota|door.to.door|"
    # someone else's dog walked for them ("walked Mrs Patel's dog while she's in hospital"), not one's own
    r"walk(?:ed|ing) (?:(?:mrs|mr|ms|miss|dr) )?(?!my\b|our\b)[a-z]+'s dogs?|walk(?:ed|ing) (?:the |a )?(?:neighbou?rs?'?s?|elderly|old (?:man|lady|couple)'s) dogs?|"
    r"ran errands|gave (?:\w+ )?lifts?|pitch(?:ed|ing) in|chip(?:ped|ping) in|muck(?:ed|ing) in|(?:lent|lend(?:ing)?|gave|giving) a hand|"
    r"put(?:ting)? in|clock(?:ed|ing) up|stint|did my (?:bit|shift|stint|turn)|"
    r"cover(?:ed|ing) (?:the |a |an |my |our |for )?(?:[a-z-]+ ){0,2}(?:desk|shift|stall|reception|counter|phones?|door|gate|table|rota|session|crossing)s?|knit(?:ted|ting)|sew(?:ed|ing)|bak(?:ed|ing) for|"
    r"pack(?:ed|ing) (?:\w+ ){0,2}(?:parcels|boxes|bags|hampers|lunches|meals|donations|kits|food)|"
    # Walking, taking or driving people (not oneself, not the dog): "walked the dementia group round the park".
    r"(?:walk(?:ed|ing)|took|taking|drove|driving|ferried|ferrying|guided|guiding) (?:with )?(?:the |a |our |some |\d+ |two |three |four |five |six )?"
    r"(?:[a-z-]+ ){0,2}(?:group|residents|seniors|elders|elderly|pensioners|kids|children|pupils|people|members|patients|class|"
    r"ladies|participants|visitors|tenants|neighbou?rs|families|volunteers))\b"
)
# Done: an aspect marker or a past time; for English a past verb or a gerund of the activity is enough.
_DONE = _rx(r"了|过|咗|完|刚才|刚刚|今早|今天|昨天|昨晚|前天|上午|下午|早上|晚上|中午|周末|上周|这周|本周|上个?星期|上个?礼拜|"
            # this week said otherwise; Cantonese days and parts of the day (今日, 琴日, 朝早, 下昼); clocked in (已打卡)
            r"这个?(?:礼拜|星期)|本星期|今日|琴日|寻日|噚日|昨日|前日|朝早|今朝|下昼|晏昼|已打卡|打咗卡|"
            r"\b(?:today|yesterday|this (?:morning|afternoon|evening|week)|last (?:night|week|weekend)|earlier)\b|"
            r"\b\w+(?:ed|ing)\b|\b(?:swept|taught|ran|led|did|gave|spent|sat|set)\b")
# Someone other than the writer does the thing: neighbours, workers, staff, children, "有人", he/she/they. Not after
# a preposition that makes them the people served ("帮邻居", "给工人讲", "陪老人").
_OTHERS_ZH = _rx(r"有人|别人|人家|他们|她们|他|她|邻居|楼上|楼下|隔壁|对门|物业|保安|保洁员|保洁阿姨|保洁大姐|清洁阿姨|门卫|宿管|清洁工|环卫工?|工人|师傅|施工队?|"
                 r"装修队?|城管|小孩|孩子|熊孩子|商户|店主|老板|司机|广场舞|大妈|"
                 # 快递/外卖 handled by someone are parcels and meals, not the couriers ("替老人取快递", "帮忙分拣快递").
                 r"(?<![取拿收寄送搬拣领点])(?:外卖|快递)(?!柜|站|点|包|盒|箱|件)员?")
_SERVED_BEFORE = _rx(r"(?:帮|给|替|陪|为|教|和|跟|同|带|向|对|与|探望|看望|慰问|照顾|引导|劝导|提醒|协助|帮助|指挥|疏导|扶|接|送|带领)\s*(?:[\u4e00-\u9fff]{0,6})?$")
_OTHERS_EN = _rx(r"(?:^|[.,;!?]\s*)(?:he|she|they|someone|somebody|people|the (?:neighbou?rs?|builders?|workers?|contractors?|council|"
                 r"landlord|cleaners?|staff|kids|children|guy|man|woman|shop|bar|restaurant))\b|"
                 r"\b(?:neighbou?rs?|builders?|workers?|contractors?)\s+(?:was|were|has|have|had|kept|are|is)\b|"
                 # one of the writer's family doing it ("my son was looking after his sister"), not "my wife and I"
                 r"\bmy (?:son|daughter|wife|husband|mum|mom|mother|dad|father|kids?|child|children|grand\w+|brother|sister|partner|"
                 r"flatmate|landlord|neighbou?r)\s+(?:was|is|were|has|had|kept|did|does|went|spent|took|gave|ran|sat|swept|taught|made|\w+ed)\b|"
                 # done by others, said in the passive ("hosted by the council", "run by the church")
                 r"\b(?:hosted|run|organi[sz]ed|led|staffed|manned|held|done|cleaned|delivered|covered|cleared)\s+by\b")
# How long a problem has lasted, waiting, noise, a complaint, a plan, a suggestion.
# Said in the clause that holds the amount of time, these make it how long a problem lasted or a wait.
# 'out' and 'off' of a service are no outage: "gave out leaflets", "helped out", "scraped the ice off the steps".
_SERVICE_PARTICLE = "".join(f"(?<!{v} )" for v in (
    "gave", "give", "giving", "handed", "hand", "handing", "helped", "help", "helping", "put", "putting", "sorted", "sorting",
    "checked", "cleared", "clearing", "cleaned", "cleaning", "set", "setting", "carried", "carrying", "reached", "reaching",
    "mucked", "mucking", "filled", "filling", "dished", "dishing", "ironed", "worked", "working", "ferried", "fill", "sort",
    "bins", "bin", "rubbish", "trash", "recycling", "chairs", "tables"))
_PROBLEM_CLAUSE = _rx(r"等|排队|停水|停电|断水|断电|没水|没电|坏|堵|漏|臭|响|叫|暗|挡住|挡着|\b(?:wait(?:ed|ing)?|queue[ds]?|queuing|"
                      r"broken|blocked|leak(?:ing|s)?|no (?:water|power|heating)|" + _SERVICE_PARTICLE +
                      r"(?:off(?!\s+(?:the|a|an|my|our|their|his|her|some|of)\b)|out(?!\s+(?:the|a|an|some|of|leaflets|flyers|food|meals|parcels|\d))))\b")
_CLAUSE = re.compile(r"[,.!?;:，。！？；：\n]+|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff\d])")
_NOT_CLAIM = _rx(
    r"吵|闹|噪|扰民|睡不着|影响|还没|还是(?:没|不|堵|漏|坏)|没人|不管|"
    r"没(?:弄|搞|办|整)(?:明白|懂|好|成|完|清楚)|(?:弄|搞|办)不(?:明白|懂|好|成|完)|不会弄|"
    r"找不[着到]|不见了|走丢|失联|求(?:大家|各位|你们)?帮|请(?:大家|各位)?帮忙|帮帮忙|"
    r"投诉|举报|怎么回事|为什么|凭什么|天天|老是|总是|明天|明早|后天|下周|下个?星期|下个?礼拜|下个月|准备|打算|计划|"
    r"将要|要去|会去|想去|报名|招募|需要|建议|希望|能不能(?!.{0,6}(?:算|记|加|给))|可不可以(?!.{0,6}(?:算|记|加|给))|"
    r"\b(?:noise|noisy|loud|music|party|(?<!fire )(?<!evacuation )(?<!earthquake )(?<!emergency )(?<!safety )drill(?:ing)?|hammer(?:ing)?|bark(?:ing)?|nobody|no one|still (?:no|not)|why|complain\w*|"
    r"help me|please help|missing|ha(?:s|ve)n?.?t? been|tomorrow|next (?:week|month|weekend|time|mon|tue|wed|thu|fri|sat|sun)\w*|will|"
    r"(?<=[a-z]')ll|need (?:more |some )?(?:volunteers|helpers|hands|people)|going to|plan(?:ning)?|sign.?up|needed|looking for|suggest\w*|"
    r"could (?:you|we|someone)|can (?:you|we|someone)|been (?:off|out|down|going|running|at it))\b"
)
# The vague stretches residents also claim ("跑了一下午", "半天").
_VAGUE_STRETCH = _rx(r"半天|一上午|一下午|一晚上|一整天|整天|(?:一?整个|成个)(?:上午|下午|晚上|上昼|下昼|晏昼|朝早|早上|夜晚)|一个(?:上午|下午|晚上|下昼)|"
                     r"通宵|一整晚|一整夜|一宿|\ball (?:morning|afternoon|evening|day|night)\b|\bspent (?:the|my|our) (?:whole )?(?:morning|afternoon|evening|day)\b|\bthe whole (?:morning|afternoon|day|evening)\b")
# A question that is not about the claim itself ("…能算时长吗" is).
_QUESTION = _rx(r"[?？]|吗\s*$|呢\s*$|在哪|哪里|哪儿|怎么(?:办|弄|搞|申请|处理|回事|还|没|不|才|样)|如何(?:办|申请|处理)|什么时候|多久|几时|\b(?:how|where|when|what)\b")
_ASKS_CREDIT = _rx(r"算|记|积分|时长|加分|\b(?:points?|hours?|count|credit|log)\b")


def _time_clauses(text: str, spans) -> list[str]:
    """The clauses that hold an amount of time or a vague stretch."""
    starts = [sp[0] for sp in spans] + [m.start() for m in _VAGUE_STRETCH.finditer(text)]
    out, pos = [], 0
    for piece in _CLAUSE.split(text):
        at = text.find(piece, pos)
        if any(at <= s < at + len(piece) for s in starts):
            out.append(piece)
        pos = at + len(piece)
    return out


def _problem_time(text: str, spans) -> bool:
    return any(_PROBLEM_CLAUSE.search(c) for c in _time_clauses(text, spans))


# "我们广场舞队", "咱们志愿队": the writer's own group, not others.
_OWN_GROUP_BEFORE = _rx(r"(?:我们|咱们|我哋|我們)(?:的|小区的?|楼的?)?\s*$")
_OWN_GROUP_AFTER = _rx(r"^[\u4e00-\u9fff]{0,3}?(?:队|团|协会|小组|社团|班)")


# Someone feared or guarded against is no one acting ("守了一晚上，怕有人偷电瓶车").
_FEARED_BEFORE = _rx(r"(?:怕|防止?|以防|免得|担心|生怕|提防)\s*$")


# 楼下/楼上/隔壁 naming a place, not the neighbours: "在楼下扫雪", "楼下超市门口帮忙维持秩序", "隔壁小区的空地".
_PLACE_BEFORE = _rx(r"(?:在|到|去|喺|于|从|由|往)\s*$")
_PLACE_AFTER = _rx(r"^\s*(?:的)?\s*(?:超市|门口|广场|空地|花园|院子|小卖部|商店|店|大堂|停车场|菜市场|垃圾站|路口|过道|楼道|车棚|草坪|小区|"
                   r"马路|街|巷|公园|空地|食堂|饭堂|活动室|活动中心|球场)")


def _others_act(text: str) -> bool:
    for m in _OTHERS_ZH.finditer(text):
        if m.group(0) in ("楼下", "楼上", "隔壁", "对门") and (_PLACE_BEFORE.search(text[max(0, m.start() - 2):m.start()])
                                                       or _PLACE_AFTER.search(text[m.end():m.end() + 6])):
            continue
        if m.group(0) == "有人" and _FEARED_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            continue
        if _OWN_GROUP_BEFORE.search(text[max(0, m.start() - 6):m.start()]) and _OWN_GROUP_AFTER.search(text[m.end():m.end() + 5]):
            continue
        if not _SERVED_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            return True
    return bool(_OTHERS_EN.search(text))


def claim_frame(text: str) -> str | None:
    """The words of a past service activity with an amount of time in a normalised text, or None."""
    spans = [sp for sp in _spans(text)]
    stretch = _VAGUE_STRETCH.search(text)
    if not spans and not stretch:
        return None
    if _NOT_CLAIM.search(text) or _others_act(text) or _problem_time(text, spans):
        return None
    if _QUESTION.search(text) and not _ASKS_CREDIT.search(text):
        return None
    # What is left with the time masked out: nothing but the amount is a bare claim ("4h").
    rest = text
    for s, e, *_ in sorted(spans, reverse=True):
        rest = rest[:s] + " " * (e - s) + rest[e:]
    if stretch:
        rest = rest[:stretch.start()] + " " * (stretch.end() - stretch.start()) + rest[stretch.end():]
    service = _SERVICE_ZH.search(text) or _SERVICE_EN.search(text)
    if service is None:
        # A bare amount ("4h", "1hr", "半小时") is the shortest claim there is.
        return spans[0][3] if spans and not re.search(r"[\u4e00-\u9fff]|[a-z]{3,}", re.sub(r"\b(?:hrs?|hours?|mins?|minutes?)\b", "", rest)) else None
    if not _DONE.search(text) and not _BARE_TAIL.search(text) and not _tail_amount(text, spans):
        return None
    return service.group(0)


def _tail_amount(text: str, spans) -> bool:
    """The amount or clock range said as the message's own tail ("带小朋友做手工 10:00-11:30") or head, set apart
    ("19:00 21:30 巡楼", "3×40分钟 陪老人下棋")."""
    for s, e, *_ in spans:
        if not text[e:].strip(" ,，.。!！~～") and s > 0 and (re.search(r"[\s,，;；]", text[s - 1:s + 1])
                                                          or re.search(r"[\s,，;；]\s*(?:从|由|from)\s*$", text[:s])):
            return True
        if not re.sub(r"[\d×x\s]", "", text[:s]) and re.match(r"\s*[\s,，;；:：]", text[e:e + 2]):
            return True
    return False


# Help given to someone named, with the work done: 帮 + the people served + a hands-on service verb ("帮快递员整理包裹",
# "帮老人搬东西上楼", "helped the old lady carry her shopping up").
# 替 ("on behalf of") serves as 帮 does ("替3栋的几户老人取快递"); not 替换, 替代, 替补, 替身.
_HELPED_ZH = _rx(r"(?:^|[在我,，\s]|那几天|那天|的时候)[\u4e00-\u9fff]{0,10}?(?:帮|(?<!代)替(?![换代补身罪]))(?!我|咱)(?:着|忙)?\s*(?:[\u4e00-\u9fff]|\d{1,3}(?=[栋号楼幢座单]))(?:[\u4e00-\u9fff]|\d{1,3}(?=[栋号楼幢座单])){0,9}?"
                 r"(?:整理|搬|扛|抬|提|拎|拿|送|打扫|清理|收拾|分拣|登记|发放|分发|修|装|挂|贴|扫|铲|推|扶|接送|取|买|跑腿|剪|洗|擦|做饭|买菜|"
                 r"照看|看孩子|填表|填|录入|排队|指路|疏导|换|通|浇|"
                 # Cantonese: 攞 (fetch), 执 (tidy), 整 (fix), 煲 (cook), 拧 (carry)
                 r"攞|执|整|煲|拧|"
                 # errands done for someone: paying a bill, booking, getting medicine ("帮老人交了电费", "替阿婆挂了号")
                 r"交|缴|办|挂号|挂了号|预约|约了|充值|充了|配药|寄)"
                 # 代 + the errand, no one named between ("给独居老人代购了蔬菜"); not 代收点, 代缴费 (a service point, a fee).
                 r"|(?:^|[在我,，\s]|那几天|那天)[\u4e00-\u9fff\d]{0,12}?代(?:取|买|购|缴|交|办|领|收|寄|填)(?!点|站|柜|费|处|服务|业务)"
                 # 帮 + the people served + 把 + what was handled ("帮老张头把冻上的水管子用热水浇开了"); done is checked apart
                 r"|(?:^|[在我,，\s]|那几天|那天|的时候)[\u4e00-\u9fff]{0,6}?(?:帮|(?<!代)替(?![换代补身罪]))(?!我|咱|忙\s*把)(?:着|忙)?\s*[\u4e00-\u9fff\d]{1,8}?把[^,，。;；!！?？]{1,16}?(?:了|咗|好|完)")
_HELPED_EN = _rx(r"^(?:i |we )?(?:helped|gave (?:a|some) hand to|assisted|volunteered (?:as|at|for|with|in|on)|"
                 r"(?:interpreted|translated) for)\b(?! (?:me|us)\b)")
# English: a message that opens on a past errand or service for people named as served ("Picked up prescriptions for
# three elderly neighbours", "Delivered the newsletter to all of block 5", "Visited Mrs Li"). Not the writer's own
# family ("took my mum to the GP"), not things done to one's own flat ("cleaned my flat and found mould").
_EN_ERRAND = _rx(r"^(?:(?:i|we|today i|yesterday i|this morning i|this week i)\s+)?(?:delivered|took|picked up|collected|fetched|drove|cooked|"
                 r"made|bought|did|ran|shopped|cleaned|cleared|swept|tidied|fixed|repaired|mended|carried|sorted|packed|wrapped|read|"
                 r"visited|walked|escorted|accompanied|checked on|looked after|babysat|minded|fed|phoned|rang|filled (?:in|out)|"
                 r"handed out|dropped off|posted|put up|put (?:the )?bins? out|took (?:the )?bins? out|changed|swapped|replaced|unblocked|unclogged|thawed|defrosted|shovell?ed|gritted|salted|"
                 r"installed|fitted|set up)\b(?P<rest>.{0,90})")
_PEOPLE_EN = (r"(?:neighbou?rs?|residents?|seniors?|elderly|pensioners?|family|families|mrs|mr|ms|miss|lady|ladies|man|men|woman|"
              r"women|gentleman|couple|kids|children|pupils|people|members|households?|flats?|block|doors|folks|patients|tenants)")
_SERVED_EN = _rx(r"\b(?:for|to|with)\s+(?:(?:the|our|a|an|some|all|of|every|each|several|elderly|old|older|housebound|disabled|"
                 r"\d+|two|three|four|five|six)\s+)*(?:[a-z-]+\s+){0,2}?" + _PEOPLE_EN + r"\b|"
                 r"^\s*(?:(?:the|a|an|our|some|\d+|two|three|four|five)\s+)?(?:[a-z-]+\s+){0,2}?(?:neighbou?rs?|residents|seniors|"
                 r"elderly|pensioners|old (?:man|lady|woman|couple|folks|gentleman)|mrs \w+|mr \w+|ms \w+|miss \w+)\b")
_OWN_FAMILY_EN = _rx(r"\bmy (?:mum|mom|mother|dad|father|son|daughter|wife|husband|kids?|child|children|family|grand\w+|"
                     r"brother|sister|partner|parents?|own)\b")


# "…, but the bins are full again": the service is the setting of a problem reported.
_BUT_PROBLEM = _rx(r"\b(?:but|however)\b.*\b(?:full|overflow\w*|broken|blocked|leak\w*|stink\w*|dirty|smell\w*|again|still|nobody|"
                   r"no one|missing|damaged|flood\w*|dangerous|unsafe)\b")


def _errand_en(text: str) -> str | None:
    m = _EN_ERRAND.search(text)
    if m is None or not _SERVED_EN.search(m.group("rest")) or _OWN_FAMILY_EN.search(text) or _BUT_PROBLEM.search(text):
        return None
    return m.group(0)[: m.start("rest") - m.start()].strip()


_EN_AHEAD = _rx(r"\bnext (?:week|month|year|weekend|time|mon|tue|wed|thu|fri|sat|sun)|\b(?:upcoming|this coming|soon|tonight)\b|"
                r"\blater (?:today|this|on)\b")
# Done: an aspect marker, a count of trips or a past time; or the message opens on where it was done ("在…门口帮…").
_HELP_DONE = _rx(r"了|过|咗|完|几趟|(?:两|三|几|好几|一)(?:趟|次|回)|那几天|那天|昨天|前天|上周|周末|今天|刚才|这周|本周|这几天|这两天|这个月|上个月|"
                 r"^在[\u4e00-\u9fff\w]{1,12}?(?:门口|楼下|里|旁边|附近|那边|这边|口|站|点|处)\s*帮")


def helped_frame(text: str) -> str | None:
    """A service done for someone with no amount of time ("在小区门口帮快递员整理包裹", "帮老人搬东西上楼，弄了好几趟"),
    or done in so many trips or sessions ("送餐，跑了一趟"): a claim without hours. Not a question, a request, a plan,
    a complaint, or others doing it."""
    return _helped(text) or sessions_frame(text) or served_frame(text)


# The writer (no one else named first) did something for people named as served, or at a place of care, and it is done:
# "我给楼里四户老人换了煤气罐", "义务给楼里三家通了下水道", "我们广场舞队去敬老院慰问演出了".
_WRITER_LEAD = (r"^(?:(?:今天|昨天|前天|今儿个?|昨儿个?|上午|下午|早上|晚上|中午|昨晚|周末|上周|这周|刚才|刚刚|我们?|咱们?|自己|"
                r"今日|今朝|琴日|寻日|噚日|朝早|下昼|晏昼|琴晚|寻晚|尋晚|啱啱|头先|"
                r"我哋|义务|主动|免费|无偿|顺手|顺便|也|又|还|都|一起|专门|特意|[\u4e00-\u9fff]{1,6}?(?:队|团|协会|小组))\s*[,，]?\s*)*")
# Hands-on work done for someone (not a call, a word or a gift of money: "给物业打了电话", "给老人院捐了钱").
_HANDS_ON = (r"(?:换|送|修|疏通|通|搬|扛|抬|买|做|包|洗|剪|理发|打扫|扫|收拾|装|安|挂|贴|铲|拿|取|领|办|交|缴|接|扶|背|推|量|测|检查|"
             r"清|倒|提|拎|煮|煲|熬|缝|补|擦|浇|晒|整理|劈|生|烧|写|读|念|翻译|填|登记|运|充|挑|过|检修|维修|教|辅导)")
# The writer's own family is no one served ("去敬老院看望了我奶奶").
_OWN_FAMILY_ZH = _rx(r"我(?:的|家)?(?:老?妈|老?爸|父亲|母亲|奶奶|爷爷|外婆|外公|姥姥|姥爷|老伴|老婆|老公|孩子|儿子|女儿|家人|婆婆|公公|"
                     r"岳母|岳父|丈母娘|阿妈|阿爸|老豆|老母)|自家|自己家")
_SERVED_DONE = _rx(_WRITER_LEAD + r"(?:给|为|替|帮)\s*(?:[\u4e00-\u9fff]{0,6}?(?:老人|大爷|大妈|奶奶|爷爷|阿婆|阿公|婆婆|伯伯|老太太?|"
                   r"残疾人|孤寡|独居|长者|五保户|困难户|低保户|老两口|行动不便的\w{0,3})|[\u4e00-\u9fff]{0,4}?(?:[两三四五六七八九十几]|\d{1,2})\s*(?:户|家)(?:人家?|老人|住户|居民)?)"
                   r"\s*(?:都|也|一起|又)?\s*" + _HANDS_ON + r"[\u4e00-\u9fff]?(?:了|咗)")
# Leaflets, alarms or supplies handed out, or a clean-up done together with others, by the writer:
# "今朝喺街市门口派咗防骗单张", "同啲街坊一齐清咗后巷啲垃圾", "和几个邻居一起把楼道杂物清走了".
_HANDED_OUT = _rx(_WRITER_LEAD + r"(?:(?:在|喺|到|去)[\u4e00-\u9fff\d]{1,12}?)?(?:发|派|分发|派发|发放)\s*(?:了|咗)\s*[\u4e00-\u9fff\d]{0,8}?"
                  r"(?:传单|单张|宣传单|宣传资料|资料|口罩|物资|报警器|手册|册子|福字|对联|米|油|年货|礼包|慰问品)")
_TOGETHER = _rx(_WRITER_LEAD + r"(?:同|和|跟|与)\s*[\u4e00-\u9fff\d]{1,8}?(?:一齐|一起|一块儿?)\s*(?:把|将)?[\u4e00-\u9fff]{0,8}?"
                r"(?:清|扫|执|搬|铲|修|打扫|清理|清走|疏通|通|派|发|种|刷|贴|挂)[\u4e00-\u9fff]?\s*(?:了|咗)")
_CARE_VISIT = _rx(_WRITER_LEAD + r"(?:去|到|在)\s*(?:了|咗)?\s*[\u4e00-\u9fff]{0,4}?(?:敬老院|养老院|福利院|老年公寓|托老所|护理院|长者中心|"
                  r"老人院|孤儿院|特教学校|特殊学校|儿童村|日间照料中心?)\s*(?:[\u4e00-\u9fff]{0,4}?)(?:慰问|演出|表演|义演|服务|帮忙|打扫|"
                  r"探望|看望|陪|理发|义诊|做义工|当义工|做志愿者)[\u4e00-\u9fff]{0,4}?(?:了|咗|过)")


# One's own home or family as the partner ("和老公一起把家里的垃圾清了"), and a problem after a 'but' ("…清走了，可是又堆满了").
_OWN_HOME = _rx(r"家里|屋企|自己家|自家|(?:同|和|跟|与)\s*我?(?:老公|老婆|老伴|孩子|儿子|女儿|爸|妈|家人|屋企人)")
_BUT_ZH = _rx(r"可是|但是|但|不过|结果|谁知|點知|点知")


def served_frame(text: str) -> str | None:
    """A service of the writer's for people named as served, done, no amount of time: a claim without hours."""
    m = _SERVED_DONE.search(text) or _CARE_VISIT.search(text) or _HANDED_OUT.search(text) or _TOGETHER.search(text)
    if m is None:
        return None
    clause = next((c for c in _CLAUSE.split(text[m.start():]) if c), "")
    if _VAIN.search(text) or _NOT_CLAIM.search(text) or _others_act(text) or _OTHER_SUBJECT.search(text) \
            or _QUESTION.search(text) or _PROBLEM_CLAUSE.search(clause) or _ASKS_SOMEONE.search(text) \
            or _OWN_FAMILY_ZH.search(text) or _OWN_HOME.search(text) or _BUT_ZH.search(text):
        return None
    return m.group(0)


def _helped(text: str) -> str | None:
    m = _HELPED_ZH.search(text)
    en = _HELPED_EN.search(text)
    if m is None and en is None and _errand_en(text):
        en = _EN_ERRAND.search(text)
    if m is None and en is None:
        return None
    m = m or en
    if en is None and not _HELP_DONE.search(text):
        return None
    if en is not None and _EN_AHEAD.search(text):
        return None  # "we volunteered for the clean-up next Saturday": not done yet
    # A problem in the clause of the help makes it a complaint; one said as the time of it ("停电那两天") does not.
    at = text.find("帮", m.start(), m.end()) if m is not en else m.start()
    clause = next((c for c in _CLAUSE.split(text[max(at, 0):]) if c), "")
    if _NOT_CLAIM.search(text) or _others_act(text) or _QUESTION.search(text) or _PROBLEM_CLAUSE.search(clause):
        return None
    if _ASKS_SOMEONE.search(text):
        return None
    return m.group(0).strip()


# A request, a wish or a refusal ("请…", "谁能…", "不肯"); 申请 is the writer asking for credit, no request for help.
_ASKS_SOMEONE = _rx(r"(?<!申)请|求|麻烦|谁能|有没有人|能不能|可以|想|要|没人|不帮|不肯|让我|叫我|\b(?:please|need|could|can|would)\b")

# A count of trips or sessions the writer's service took, with no amount of time: "送餐，跑了一趟", "给老人讲防诈骗，讲了一节课",
# "搬物资搬了三趟". The service is named apart from the trip verb; not others' trips ("老师讲了一节课"), not trips in
# vain ("跑了三趟都没人", "去了两次还没修").
_SESSIONS_DONE = _rx(r"(?P<v>跑|去|送|搬|运|讲|教|上|巡|值|站|走)\s*(?:了|咗)\s*(?:一|两|三|四|五|几|好几|\d{1,2})\s*"
                     r"(?:趟|次|回|节课?|堂课?|场|轮|班)"
                     # households visited, counted ("走访了5户", "入户探访咗三家")
                     r"|(?P<visit>走访|探访|探望|看望|慰问|拜访|入户)\s*(?:了|咗)\s*(?:两|三|四|五|六|七|八|九|十|几|好几|十几|\d{1,2})\s*(?:户|家)")
_SESSION_SERVICE_VERBS = "讲教巡值"
_VAIN = _rx(r"没|不(?!便|少|错|久|停|断|仅|但|管风雨)|未|白跑|冇|唔|都是空|扑空")  # "行动不便的大爷" is no trip in vain
_OTHER_SUBJECT = _rx(r"^(?:(?:今天|昨天|前天|上午|下午|早上|晚上|上周[一二三四五六日天]?|这周)\s*)*"
                     r"(?:老师|医生|护士|社工|网格员|民警|警察|工作人员|居委会?|街道|社区|领导|书记|主任|专家|律师|有人|别人|人家|他|她)")


# People named as served ("给楼下行动不便的大爷送了两次饭").
_SERVED_ZH = _rx(r"(?:给|帮|为|替|陪)[\u4e00-\u9fff\d]{0,10}?(?:老人|大爷|大妈|阿姨|奶奶|爷爷|阿婆|阿公|婆婆|伯伯|老太|孩子|小朋友|学生|"
                 r"居民|邻居|住户|残疾人|病人|孤寡|独居|长者|街坊|老街坊|老师傅|老两口)")


def sessions_frame(text: str) -> str | None:
    """A service of the writer's done in so many trips or sessions, with no amount of time: a claim without hours."""
    m = _SESSIONS_DONE.search(text)
    if m is None:
        return None
    rest = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    if not m.group("visit") and m.group("v") not in _SESSION_SERVICE_VERBS and not _SERVICE_ZH.search(rest) and not re.search(r"助|义|志愿", rest) \
            and not _SERVED_ZH.search(rest):
        return None
    if _VAIN.search(text) or _NOT_CLAIM.search(text) or _others_act(text) or _OTHER_SUBJECT.search(text) \
            or _QUESTION.search(text) or _PROBLEM_CLAUSE.search(text) or _ASKS_SOMEONE.search(text):
        return None
    return m.group(0)


# The amount said as its own tail or head ("雨后疏通排水沟 1h", "扫雪 半小时 …", "two hours painting …").
_BARE_TAIL = _rx(r"(?:^|[\s,，;；])(?:\d+(?:\.\d+)?\s*(?:h|hrs?|hours?|小时|个?钟头?|分钟|mins?)|[一二两三四五六七八九十半]+个?半?(?:小时|钟头|个钟)|半小时)(?:$|[\s,，;；])")


# The writer asks for the time to be credited in so many words.
_CREDIT_ASKED = _rx(r"申请|积分|时长|工时|记上|记一下|帮我记|算(?:一下|个|进|上)?(?:时长|积分|分)|\b(?:claim|log|credit|points)\b")


def duration_is_complaint(text: str) -> bool:
    """An amount of time said of a problem, a wait, other people's doings or a plan ("排队等了两个小时还没办上",
    "明天九点到十一点打算组织打扫，谁能来"), with no request for credit: no claim, whatever words of service it holds."""
    if _CREDIT_ASKED.search(text):
        return False
    spans = _spans(text)
    if not (spans or _VAGUE_STRETCH.search(text)):
        return False
    return bool(_NOT_CLAIM.search(text) or _others_act(text) or _problem_time(text, spans))
