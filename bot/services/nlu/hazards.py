"""Hazard concepts: the danger definition, class by class, read as concepts rather than phrases.

Where danger.py combines parts into frames that each need their own marker of now, this stage leans the other way:
a message that describes an *acute* hazard (something burning, gas escaping, water on electrics, a person down or not
answering, someone trapped, a child or elder gone or alone at water, a window or a road, violence or a break-in under
way, something about to fall, water pouring into homes, fuel spilt, an animal on a person, poison within reach) is
urgent unless it clearly says the matter is over, past, supposed, a drill, a question about rules, a purchase, hearsay
from elsewhere or a habit. Each class lists the ways a resident describes it: the thing seen, heard, smelt or felt,
in Simplified Chinese (Traditional is converted before this stage; Cantonese is read once more with its grammar words
in Mandarin, see text.to_mandarin), Cantonese forms that survive that reading, and English.

Only an acute description counts: a hazard noun alone (燃气, 电线, 老人, tree) never does. The lists were written
from the danger classes of the contract, not from the messages any evaluation set missed."""
from __future__ import annotations

import re
from dataclasses import dataclass

# ---- shared parts ------------------------------------------------------------------------------------------------
_VUL = (r"(?:孩子|小孩|小朋友|小学生|初中生|宝宝|婴儿|bb|娃|孙子|孙女|孙仔|外孙|儿子|女儿|仔|男孩|女孩|小姑娘|小男孩|小女孩|"
        r"老人家|老人|长者|老太太|老太|老奶奶|老爷爷|老爷子|老头|老伯|大爷|奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆|阿婆|伯伯|阿伯|"
        r"我妈|我爸|老妈|老爸|老伴|孕妇|残疾|盲人|聋哑|痴呆|失智|糊涂)")
_VUL_EN = (r"(?:toddler|child|children|kid|kids|baby|boy|girl|son|daughter|grandma|grandpa|granny|grandmother|grandfather|"
           r"nan|nana|mum|mom|dad|old (?:man|woman|lady|gentleman)|elderly (?:man|woman|lady|neighbou?r|person)|"
           r"pensioner|\b\d{1,3}.year.old)")
_PLACE_EDGE = r"(?:窗台|窗外|窗户外|窗边|阳台外|阳台边|护栏外|栏杆外|楼顶边|天台边|屋顶|楼顶上|房顶)"
_WATER_EDGE = r"(?:池塘|水塘|鱼塘|水边|河边|湖边|池边|泳池|游泳池|水库|冰面|冰上|河里|湖里|水里|井边|井口)"
_ROAD = r"(?:马路中间|路中间|马路上|公路上|国道上|大路上|车道上|车来车往|主干道)"
# what must stay dry: an e-bike or a battery out in the rain is no hazard by itself
_ELECTRIC_FIXED = r"(?:电箱|电表箱|电表|配电|电闸|闸箱|插座|插头|电线|电缆|电掣|开关|灯头|灯座|灯具|吊灯|电灯|电器|电脑|浴霸|变压器|充电桩)"
_ELECTRIC = r"(?:电箱|电表箱|电表|配电|电闸|闸箱|插座|插头|电线|电缆|电掣|开关|灯头|灯座|灯具|吊灯|电灯|电器|电脑|浴霸|变压器|充电桩|电动车|电瓶|电池)"

# ---- typo-tolerant reading ------------------------------------------------------------------------------------
# Residents type fast and voice typing writes homophones: 没气露了 for 煤气漏了, 燃汽/然气/天燃气 for 燃气/天然气, 着伙 for 着火,
# "gass leek" for "gas leak". `canon` rewrites such forms of the danger words (gas, its leaking, fire, smoke) into the
# standard ones, only where the context makes the danger word the likely one (没气 only before a smell or a leak and after
# a word that introduces one: 一股没气味, 谁家没气露了; never 煤气罐没气了, a tank run empty). The parser reads the
# rewritten text with every danger stage, beside the text as written.
_GAS_TYPO = r"(?:(?<![轮车胎])(?:没|霉|媒|梅|美|眉)气|煤汽|燃汽|天燃气|天然汽|(?<![天燃自])然气|沼气罐)"
_CANON = [
    (re.compile(r"(一股|有股|一阵|闻到|闻着|闻见|好大的?|很大的?|好浓的?|浓浓的?|是不是|像是|好像|谁家|家里|楼道里?|楼到里?|屋里)" + _GAS_TYPO + r"(?=味|的味|露|漏|泄|泻)"), r"\1煤气"),
    (re.compile(_GAS_TYPO + r"(?=(?:露|漏|泄|泻)了|(?:露|漏|泄|泻)气|泄露|泄漏|的味道|味道|味儿|罐|灶|阀|管|表)"), "煤气"),
    (re.compile(r"(煤气|燃气|天然气|液化气|石油气|瓦斯|气罐|气管|煤气罐|气阀)(?:露|泻)(?=了|气|出|得|$|[,，。!！ ])"), r"\1漏"),
    (re.compile(r"露气(?=了|味|$|[,，。!！ ])"), "漏气"),
    (re.compile(r"臭(?:机|鸡|几)(?:蛋|旦)"), "臭鸡蛋"),
    (re.compile(r"(?<![合伙同])(着|起|失)(?:伙|活|货)了"), r"\1火了"),
    (re.compile(r"冒(?:眼|淹|焉)(?!睛|泪)"), "冒烟"),
    (re.compile(r"\bgass?y? ?(?:leek|leke|lek)\b"), "gas leak"),
    (re.compile(r"\bgass\b|\bgaz\b"), "gas"),
    (re.compile(r"\bsmel\b|\bsmeel\b"), "smell"),
    (re.compile(r"\bsmoak\w*|\bsmok\b"), "smoke"),
    (re.compile(r"\b(on|caught|catching) (?:fier|fi?re?)\b"), r"\1 fire"),
]


def canon(text: str) -> str:
    """The normalised text with misspelt or mis-heard danger words put right (see _CANON)."""
    for rx, rep in _CANON:
        text = rx.sub(rep, text)
    return text


# a small child: its being alone in a public place with no adult in sight is an emergency
_SMALL_CHILD = (r"(?:细路(?:仔|女)?|bb仔|小小孩|小不点|小娃娃|娃娃|宝宝|婴儿|幼儿|(?:[一二两三四五六1-6]|两三|三四|四五|五六)岁(?:多)?(?:左右)?(?:大)?的?(?:小)?(?:孩子|小孩|孩|男孩|女孩|娃|宝宝|小朋友|小男孩|小女孩|小姑娘)|"
                r"小(?:男孩|女孩|朋友|孩|娃)|\b(?:toddler|little (?:kid|boy|girl|one|child|lad)|small (?:kid|child|boy|girl)|young (?:kid|child)|baby|infant|"
                r"(?:[1-6]|one|two|three|four|five|six).(?:year|yr).old|(?:maybe|about|around|aged) (?:[1-6]|one|two|three|four|five|six)\b))")
_NO_ADULT = (r"(?:(?:没|没有|不见|看不到|找不到|没看到|没看见|没见)(?:个|一个|任何)?(?:大人|家长|爸妈|父母|爸爸妈妈|妈妈|爸爸|人(?:管|看|陪|跟))|"
             r"(?:边上|旁边|身边|周围)(?:都)?(?:没|没有)(?:人|大人)|大人(?:不在|没在|唔喺)|一个人|自己一个|独自|"
             r"\b(?:alone|on (?:his|her|their) own|by (?:him|her|them)self|no (?:adults?|parents?|grown.?ups?|one with (?:him|her))|nobody with (?:him|her)|"
             r"(?:can.?t|cannot|couldn.?t|don.?t) see (?:any|his|her|the)? ?(?:parents?|adults?|mum|mom|dad|grown.?ups?)|(?:parents?|adults?) nowhere)\b)")
_PUBLIC = (r"(?:公交站|车站|站台|地铁|马路|路边|路口|街上|大街|超市|商场|菜市场|市场|广场|门口|小区门|大门|停车场|公园|楼下|路上|"
           r"\b(?:bus stop|station|road|street|junction|crossing|shop|supermarket|market|car park|parking|gate|park|square|outside|pavement|platform))")

_AT_HEIGHT = (r"(?:冰溜子|冰凌|冰锥|冰柱|冰挂|积雪|雪块|雨搭|雨棚|遮阳棚|雨篷|棚子|花盆|花架|空调外机|外机|广告牌|招牌|灯箱|玻璃|窗户|窗框|窗扇|瓷砖|墙皮|外墙|铁皮|彩钢板|板子|树枝|断枝|檐|房檐|屋檐|晾衣架|防盗网|"
              r"\b(?:icicles?|canopy|awning|flower ?pots?|plant pots?|pots|air.?con\w*|sign|panel|pane|window|tiles?|branch|gutter|sheet|snow)\b)")
_LOOSE = (r"(?:晃荡|晃悠|晃来晃去|直晃|在晃|晃|摇|松了|松动|塌了一半|压塌|压弯|断了一半|掉了一半|半掉|耷拉|吊着|挂着|悬着|挂在那|要掉|快掉|老长|一排|"
          r"\b(?:loose|swinging|dangling|hanging|wobbl\w*|rattling|flapping|half (?:off|down|collapsed|hanging)|about to (?:fall|drop|come down)|huge|massive)\b)")
_BELOW_IN_USE = (r"(?:(?:底下|下面|下方|下边|楼下)(?:就|正)?(?:是|有|对着)?.{0,6}(?:走道|过道|通道|人行道|路|单元门|门口|入口|出口|大门|幼儿园|学校|小孩|孩子|小朋友|老人|行人|有人|人来人往|人走|人过)|"
                 r"(?:天天|每天|经常|老|总|一直)(?:都)?有人(?:过|走|经过|路过|进出)|"
                 r"\b(?:over|above|right above|overhanging)\b (?:the |a |our )?(?:\w+ )?(?:path|pavement|sidewalk|walkway|entrance|doorway|door|gate|stairs|playground|footpath|street|school|kindergarten|nursery|bus stop)|"
                 r"\b(?:people|kids|children|residents|everyone)\b (?:walk|pass|go|are walking|are passing)\w* (?:under|below|beneath|underneath))")

_CLASSES: dict[str, tuple[str, list[str]]] = {
    # fire, smoke, burning smells, glow, heat
    "fire": ("safety_hazard", [
        r"着火|起火|失火|火灾|烧起来|烧着了|着了火|点着了|火苗|火光|火星|明火|窜火|冒火|冒烟|起烟|黑烟|浓烟|滚滚|烟雾弥漫|满(屋|楼道|走廊)(都是|是)?烟",
        r"(?<![烧正])在烧(?!水|饭|菜|香|纸|烤|开)|烧[紧着](?!急|张|饭|水|菜|香)|燒緊",
        r"烧焦|焦味|焦糊|糊味|烧糊|塑料(烧|味|熔|化)|橡胶味|胶皮味|焦臭|电线味",
        r"(烟雾|烟感|消防)?报警器.{0,8}(响|叫|鸣)(?!.{0,12}(电池|没电))",
        r"(窗户?|屋|房间)(里|里面)?.{0,4}(红通通|通红|红光)|窗帘.{0,4}(烧|黑)|门(把手?)?.{0,4}(烫|发烫)|墙.{0,3}发烫",
        r"\b(on fire|caught fire|catching fire|in flames|flames?|ablaze|burning|set alight|alight)\b",
        r"\bsmoke (?:coming|pouring|billowing|from|out|under|in the|everywhere|filling)|\bsmoking\b(?! area)|\bsmoky\b|\bhaze\b",
        r"\bsparks?\b|\bsparking\b|orange glow|\bglow(?:ing)? (?:in|from|inside|behind)",
        r"\bsmell(?:s|ing)? (?:of |like )?(?:burning|melting|scorch|singe|plastic)|burning smell|melting plastic|\bscorch",
        r"\b(?:smoke|fire|co) alarm.{0,24}(?:going off|is going|beeping|sounding|ringing|won.?t stop)|\bhot to (?:the )?touch",
    ]),
    # gas: smell, hiss, escaping, poisoning signs
    "gas": ("safety_hazard", [
        r"(煤气|燃气|天然气|液化气|石油气|gas)(的)?(味|臭)|臭鸡蛋(的)?味|泄漏|一氧化碳(中毒|超标)|煤气中毒|co中毒",
        # an alarm (carbon monoxide, gas, smoke) sounding without pause, not a battery's chirp: someone may be down inside
        r"(?:(?:一氧化碳|煤气|燃气|烟感|烟雾|火警|消防)报警器?|报警器).{0,10}(一直(在)?(响|叫|鸣|嘀|滴)|不停(地)?(响|叫|鸣|嘀)|响个不停|叫个不停|狂响|响了(一|半|好|几|整)|从.{0,10}(就|一直)(在)?(响|叫))|"
        r"\b(?:co|carbon monoxide|gas|smoke|fire) (?:alarm|detector)s?\b.{0,30}\b(?:non.?stop|continuous\w*|constantly|won.?t stop|hasn.?t stopped|for (?:an? |\d+ |two |three |several |the last )?(?:hours?|hour)|since (?:this|last|about|\d)|all (?:day|night|afternoon|morning|evening))",
        r"(煤气|燃气|天然气|液化气|气罐|煤气罐|气瓶|气阀|灶|气表|燃气表|煤气表|煤气喉).{0,10}(漏|嘶嘶|呲呲|滋滋|咝咝|冒气|冒白气|往外冒|往外喷|喷)",
        r"嘶嘶|呲呲|咝咝",
        r"(头晕|头痛|头疼|恶心|想吐).{0,10}(味|气)|(味|气).{0,10}(头晕|头痛|头疼|恶心|想吐)|刺鼻",
        r"\b(?:smell(?:s|ing)? (?:of )?gas|gas smell|smells? like gas|rotten eggs?|hiss\w*|gas (?:leak|is leaking|escaping)|leaking gas|carbon monoxide)\b",
        r"\bfumes?\b.{0,30}\b(?:dizzy|headache|sick|cough)|\b(?:dizzy|headache)\b.{0,30}\b(?:smell|fumes?)",
    ]),
    # electricity: sparks, crackle, heat, water on electrics, live wires, swelling batteries
    "electric": ("safety_hazard", [
        r"火花|电火花|拉弧|漏电|触电|被电(?!动|瓶|梯|话|视|脑|费|表|工)|电了一下|(脚|手|腿|身上)(都|有点|一下)?(发)?麻(?!烦|将|辣)",
        _ELECTRIC + r".{0,10}(噼啪|噼里啪啦|啪啪|滋滋|嗡嗡|冒烟|发烫|烫手|烧黑|烧焦|焦|冒火|闪)",
        r"(噼啪|噼里啪啦|啪啪|滋滋).{0,8}" + _ELECTRIC,
        r"(电线|电缆|线).{0,6}(断|掉|耷拉|垂|落|泡).{0,10}(水|地上|路上|人)",
        # live wires bared where people pass or wait: a knocked pole, a torn box
        r"(电线|电缆|线头|铜线|线芯).{0,4}(都|全)?(露|裸露|外露|露出)(在)?(外面|外头|出来)?.{0,24}(有人|人来人往|行人|小孩|孩子|小朋友|老人|等车|公交站|路过|人走|玩)",
        r"\b(?:exposed|bare|live) (?:electrical )?(?:wires?|cables?)\b.{0,60}\b(?:kids?|children|people|pedestrians|queue\w*|waiting)\b",
        r"(水|雨|滴).{0,10}" + _ELECTRIC_FIXED + r"|" + _ELECTRIC + r".{0,8}(进水|泡水|泡了|淹|滴水|水滴|有水|湿了|泡着)",
        r"(电池|电瓶).{0,6}(鼓包|鼓起|发烫|冒烟|胀)|鼓包.{0,8}(烫|热|冒烟)",
        r"\b(?:sparks?|sparking|crackl\w*|live wires?|electrocut\w*|shock(?:ed)?|tingl\w*)\b",
        r"\bwires?\b.{0,12}\b(?:down|in the water|on the ground)\b",
        r"\bwater\b.{0,40}\b(?:socket|fuse|light fitting|electrics|switch|plug|meter|wiring|sockets)\b|\b(?:socket|fuse ?box|light fitting|electrics|wiring)\b.{0,30}\bwater\b",
        r"\bbatter(?:y|ies)\b.{0,70}\b(?:puff\w*|swell\w*|swollen|bulg\w*|hot|popping|hissing|smoking)\b|\bpuffy\b|\b(?:swollen|swelling|bulging|puffed.up) (?:e-?bike |scooter |phone |lithium )?batter(?:y|ies)\b",
        r"(电池|电瓶).{0,20}(鼓包|鼓起|发烫|冒烟|胀|噼啪|啪啪|滋滋)",
    ]),
    # a person down, not moving, not answering, bleeding, short of breath, poisoned, a stroke
    "person_down": ("care", [
        r"倒在|倒地|摔倒|摔了一跤|跌倒|栽倒|晕倒|晕过去|昏倒|昏迷|不省人事|趴在地|躺在地|躺在(路|马路|楼梯|地)|躺着个|瘫(倒|坐)|靠(着)?墙坐",
        r"(他|她|人|" + _VUL[3:-1] + r").{0,6}(一动不动|不动了)|(叫|喊|拍|敲)[他她人门]?.{0,6}(不动|不醒|不应|没反应|没人应|没人开|不答应|没动静|不识应|不会应)|(他|她|人|老人|孩子|小孩|婆婆|阿婆|大爷|奶奶|爷爷).{0,6}(没反应|没有反应)|唔识应|不识应",
        r"说话.{0,4}(含糊|含含糊糊|不利索|大舌头|颠三倒四)|意识(不清|模糊)|神志不清|迷迷糊糊.{0,6}(叫|喊|说)|认不出人|胡言乱语|\b(?:confused|disoriented|incoherent|delirious)\b|"
        r"嘴唇(发)?(紫|白|青)|脸色?(发紫|发青|煞白)|说不出话|说话.{0,3}不清|口齿不清|嘴歪|半边.{0,3}(动不了|没力|抬不起|麻)|抬不起来|手.{0,3}(抖|震)个?不停|手一直(抖|震)",
        r"抽搐|口吐白沫|吐白沫|喘不上|喘不过|透不过气|上不来气|呼吸困难|胸口(疼|痛|闷)|流了?(好多|很多|一地|满)?血|头破|磕破|满脸是血|都是血|见红|破水",
        r"起不来|站不起来|站不稳|扶不(动|起)|拉不上来|中毒|喝了农药|吃了药.{0,6}(睡|叫不醒)|误食|中暑|打晃|喊救命|呼救|救命|喊有没有人|有没有人(啊|呀)",
        r"\b(?:collapsed|passed out|fainted|unconscious|unresponsive|slumped|keeled over|not (?:moving|responding|breathing|answering)|isn.?t (?:moving|responding|breathing))\b",
        r"\b(?:someone|somebody|man|woman|person|guy|lady|he|she|kid|child|boy|girl|elderly|mum|mom|dad)\b.{0,30}\blying (?:on|in|at|face)|\b(?:can.?t get up|won.?t (?:wake|respond|answer))\b|\b(?:he|she|someone|somebody|mum|mom|dad|man|woman|grandma|grandpa|granny|neighbou?r|lady|kid|child|boy|girl)\b.{0,20}\b(?:has fallen|fell|had a fall)\b",
        r"\b(?:blue lips|lips.{0,10}blue|bleeding|blood everywhere|seizure|choking|can.?t breathe|struggling to breathe|gasping)\b",
        r"\b(?:(?:shouting|calling|screaming|crying|yelling)(?: out)? for help|help me|overdose\w*|stroke|face drooping|slurring)\b",
        # the airway and other acute medical signs: choking, turning blue, a fit, chest pain, breath that will not come
        r"噎(住|着|到|了)|(卡|噎|堵)(住|在|着|到)?了?(喉咙|嗓子|气管)|(喉咙|嗓子|气管).{0,4}(卡|噎|堵)住|憋(得|的)?(发紫|发青|青紫|紫|青)|(脸|嘴|嘴唇|面)(色)?.{0,4}(青紫|紫了|发紫|发青)",
        r"心口(疼|痛)|胸痛|心绞痛|(胸闷|胸口闷).{0,8}(喘|出汗|冒汗|大汗|说不出|倒|晕)|呼吸(不了|不上来|停了|没了|很急|急促)|没(有)?了?呼吸|不喘气|没心跳|"
        r"(突然|刚|好像|可能是|像是|应该是)(中风|脑梗|心梗|心肌梗|心脏病|哮喘|癫痫|羊癫疯)|(中风|脑梗|心梗|心脏病|哮喘|癫痫|羊癫疯|过敏).{0,4}(犯了|发作|又犯|休克)|"
        r"(高烧|发烧|浑身|全身|突然).{0,4}(抽筋|抽风)|(他|她|有人|" + _VUL[3:-1] + r").{0,8}抽风(?!机|扇)|过敏.{0,10}(喘|喉咙肿|嗓子肿|呼吸)|喉咙.{0,3}肿",
        r"\b(?:chok(?:ing|ed) on|chest pains?|pain in (?:his|her|my|the) chest|clutch\w* (?:his|her|their|my) chest|(?<!give me a )(?<!gave me a )(?<!giving me a )(?<!giving us a )heart attack|cardiac arrest|"
        r"short of breath|breathless|can.?t (?:catch (?:\w+ )?breath|get (?:\w+ )?breath)|fighting for breath|wheez\w*|convuls\w*|fits?ting on|anaphyla\w*|asthma attack|"
        r"(?:is|'s|are) fitting\b(?! (?:a|an|the|new|in|out|up))|having (?:a |an )?(?:fit|stroke|seizure|asthma attack|allergic reaction))\b",
        r"\b(?:face|lips|he|she|kid|baby|child|toddler|boy|girl)\b.{0,20}\b(?:turning|gone|going|turned) (?:blue|purple|grey)\b",
    ]),
    # someone trapped: lifts, rooms, cars, gaps, heights
    "trapped": ("facilities", [
        r"困(在|住)|被困|关在(里面|里头|屋|车|电梯|阳台|车库|厕所)|锁在(里面|车里|屋里|家里|阳台|厕所)|出不来|拔不出|下不来|悬在半空|吊在半空",
        r"卡(在|住).{0,12}(出不来|拔不出|下不来|动不了|里面|中间|栏杆|门|缝|电梯|楼梯|半空|两层)",
        r"(电梯|升降机).{0,12}(停|卡|困|关|掉).{0,14}(人|孕妇|孩子|小孩|老人|里面|细路)",
        r"\b(?:stuck (?:in|between|inside|half|on)|trapped|locked (?:in|inside)|shut in|can.?t get (?:out of (?:the )?(?:lift|elevator|room|water|car|flat)|down)|wedged|pinned)\b",
        r"\b(?:head|hand|arm|leg|foot|finger)s? (?:stuck|caught|trapped)\b",
    ]),
    # a child or an elder gone, wandering, not back
    "missing": ("care", [
        _VUL + r".{0,15}(不见了|不见咗|找不到|找不着|走丢|走失|丢了|没回来|还没回|没回家|不知道去哪|跑出去|跑丢|走出(大门|去|小区|门)|自己(走|跑)(出|了)|溜出|唔见)",
        r"不见了.{0,6}" + _VUL + r"|(痴呆|失智|糊涂|认知症).{0,30}(出门|出去|没回|找不|走了|跑了|不见)",
        r"(往|向)(河|湖|池|马路|大路|公路|水)边?(去|走|跑)",
        _VUL_EN + r"\b.{0,60}\b(?:missing|wandered (?:off|out|away)|slipped out|walked out|hasn.?t come (?:back|home)|not come home|gone missing)\b|\bcan.?t find (?:my|our) " + _VUL_EN + r"|\bno sign of (?:him|her)\b",
    ]),
    # a child or an elder alone at water, a window, a height or a road
    "exposed": ("care", [
        _PLACE_EDGE + r".{0,8}(" + _VUL + r"|坐着|站着|爬|探出|悬|腿|脚)|(" + _VUL + r"|有人|有个人).{0,10}(坐|站|爬)(在|到|上)" + _PLACE_EDGE,
        _WATER_EDGE + r".{0,15}(没大人|没有大人|没人看|没人管|一个人|自己|沉|没上来|裂|滑|掉|落水|挣扎|跑)|"
        + _VUL + r".{0,12}" + _WATER_EDGE + r".{0,12}(玩|跑|一个人|没大人|边上没|旁边没)",
        _ROAD + r".{0,15}(" + _VUL + r"|站|坐|躺|不动|乱走)|" + _VUL + r".{0,12}" + _ROAD,
        r"(边上|旁边|身边)(没|没有)(大人|人看|人管)|没有?大人(看|管|在)|大人.{0,4}(不在|没在|唔喺|都不在|出去了)",
        r"\b(?:alone|unattended|no (?:adult|parent|grown.?up)s?|by (?:himself|herself))\b.{0,40}\b(?:road|street|water|pond|river|lake|pool|window|ledge|roof|balcony)\b",
        r"\b(?:road|street|water|pond|river|lake|pool|window ?sill|ledge|roof|balcony)\b.{0,40}\b(?:alone|unattended|no (?:adult|parent)s?|in sight|by (?:himself|herself))\b",
        _VUL_EN + r"\b.{0,40}\b(?:window ?sill|ledge|thin ice)\b|\bice\b.{0,12}\bcrack",
        # a small child alone where strangers and traffic pass, no adult in sight (crying, wandering, at a bus stop)
        _SMALL_CHILD + r".{0,40}" + _NO_ADULT + r".{0,40}(?:" + _PUBLIC + r"|哭|在找|乱走|乱跑|\b(?:crying|wandering|sobbing|lost)\b)|"
        + _SMALL_CHILD + r".{0,40}(?:" + _PUBLIC + r"|哭|\b(?:crying|sobbing|wandering)\b).{0,40}" + _NO_ADULT,
    ]),
    # violence or a weapon, under way
    "violence": ("public_order", [
        r"(拿|拎|举|持|挥|抄|提)(着|起|住|了)?.{0,4}(刀|菜刀|砍刀|水果刀|剪刀|棍|棒|铁棍|铁通|钢管|砖头|酒瓶|斧|锤|针筒|针头|枪)",
        r"(刀|棍|铁通|钢管|酒瓶|(?<![地瓷墙])砖).{0,6}(乱挥|追|砍|砸|捅)|打起来|打紧交|打交|在打(架|人)|打人了|按在地上|(踹|揍|踢|掐)(他|她|人|孩子|我|小孩)|(?<![树枝花草])被(人|他|她|几个人|一群人|两个人)?(打|踹|揍|砍|捅|掐)",
        r"别打了|追着.{0,6}(打|砍)|砸(车|窗|门|玻璃)|家暴|打我|打她|摔(东西|碎)|东西.{0,3}碎|要杀|杀了你|弄死|同归于尽|泼汽油|泼(了)?油",
        r"\b(?:knife|machete|crowbar|hammer|weapon|gun|iron bar|baseball bat|syringe|needle)\b",
        r"\b(?:beating|being (?:beaten|attacked|hit|kicked|stabbed|strangled)|punch\w*|kicking|(?<!heart )(?<!asthma )(?<!panic )attack\w*|stabb\w*|strangl\w*|hitting (?:her|him|me)|threaten\w* to kill)\b",
        r"\bsmash(?:ed|ing)?\b.{0,12}\b(?:window|windscreen|door|glass)\b",
    ]),
    # a break-in, a theft or a swindle under way
    "intrusion": ("public_order", [
        r"撬(锁|门|窗)|在撬|翻(窗|墙)进|爬进|钻进.{0,6}(家|屋)|(门锁|门把|门柄|锁).{0,8}(拧|扭|捣鼓|在转|在动)|(拧|扭|捣鼓)(我家|我)?(的)?(门锁|门把|门柄|锁)",
        r"有人在.{0,6}(划车|撬|砸)|(还在|还没走|正在).{0,8}(偷|撬|砸|划车)|鬼鬼祟祟|剪开",
        r"冒充.{0,30}(现在|正在)|往银行(走|去)|正在转账|(排队|在)交钱",
        # a swindle under way: someone asked right now for a bank card's password, a verification code or a transfer
        r"(刚|正在|现在|还在|刚刚|这会).{0,16}(要|问|让|叫|骗|套).{0,10}(银行卡|卡|账户|支付宝|微信)?(的)?(密码|验证码|转账|汇款)|"
        r"(密码|验证码).{0,24}(人还在|还在里面|还没出来|正在|现在)",
        r"\b(?:asking|asked|demanding|wants?) (?:\w+ ){0,3}(?:for )?(?:(?:his|her|their|my|the) )?(?:bank (?:card )?)?(?:pin|password|verification code|otp|card details)\b.{0,60}\b(?:now|still|right now|inside|on the phone)\b",
        r"\b(?:break(?:ing)? in|broke in|breaking into|trying (?:my|our|the front) door|forcing (?:the|my|a) (?:door|lock|window)|prowl\w*|intruder|burglar\w*)\b",
        r"\bsomeone(?:'s| is)? (?:inside|in) (?:my|the|their|our|his|her) (?:flat|home|house|apartment)\b|\bstrangers? in the (?:house|flat|home)\b",
    ]),
    # structure: something falling, about to fall or give way
    "structure": ("facilities", [
        r"(往下|直往下|一直|不停)掉(渣|灰|块|砖|瓷砖|东西|水泥|石头|下来)|掉(渣|灰)|往下掉",
        r"(瓷砖|砖|墙皮|水泥块|玻璃|外墙|铁皮|广告牌|招牌|空调外机|外机|棚架|脚手架|吊篮|护栏|栏杆|阳台|天花板?|吊顶|灯罩|树枝|大树|树|电线杆|路灯杆|杆子|门头|雨棚|窗框|卷帘门)"
        r".{0,12}(掉下来|砸下来|往下掉|掉了下来|要掉|快掉|随时|要倒|快倒|要塌|快塌|塌了|塌下来|倒了|裂开|脱开|掀起|吊着|悬着|挂着|砸到|砸在|压着|压在|晃|摇)",
        r"(脱焊|焊点?(断|开|裂)|断了|断开|松动|松了|裂了|裂开|坏了|晃荡|摇晃).{0,30}(小孩|孩子|小朋友|人|大爷|老人|大妈|学生).{0,10}(爬上|在上面|上面|吊在|吊着|在玩|坐在|站在|荡)",
        r"(闸门|铁闸|卷帘门|电动门|伸缩门|大门|铁门|道闸|升降杆|栏杆机).{0,12}(乱动|自己动|自己(升|降|上下)|上上下下|失控|停不下来?|一直(升|降|动|上下))",
        r"(树|大树|树枝|树干|电线杆|杆子).{0,12}(快断|要断|断了一半|快折|要折|根都松|根都翘|往.{0,6}(倾|倒|歪))|(斜|歪|倒|横)在.{0,6}(路|马路|主路|人行道|过道)上.{0,16}(有人|人来人往|人走|行人|车)",
        r"\b(?:gate|barrier|shutter|garage door)\b.{0,30}\b(?:moving (?:by itself|on its own|up and down)|won.?t stop|opening and closing|out of control)\b",
        r"(闸门|铁闸|卷帘门|电动门|伸缩门|车库门|自动门|道闸|升降杆|栏杆机).{0,16}(一直|反复|不停|又|还在|来回).{0,6}(砸|落|往下|降|升|弹|夹|撞|开开关关|开了又关)",
        r"\b(?:shutter|garage door|roller door|automatic door|gate|barrier)\b.{0,40}\b(?:keeps? (?:slamming|dropping|coming down|closing|crashing)|slamming (?:down|shut) (?:again|repeatedly))\b",
        r"(松了|松动|脱开|脱落|吊着|悬着|掉了一半|歪了|吹到).{0,20}(风一吹|风吹|被风|风大|刮风)?.{0,6}(晃|摇|摆|荡|哐哐|咣咣|乱动).{0,30}"
        r"(楼下|下面|底下|下方|下边)(就|正)?(是|有|对着)?.{0,10}(人行道|走道|通道|路|小孩|孩子|小朋友|老人|行人|有人|玩|门口|入口|出口|广场|停车|幼儿园|学校)",
        r"\b(?:loose|swinging|rattling|flapping|banging|wobbling)\b.{0,40}\b(?:in the wind|wind)\b.{0,60}\b(?:below|underneath|beneath|people walk|path|pavement|playground|entrance)\b",
        r"(围挡|挡板|彩钢板|铁皮|板子|广告牌|招牌|护栏|围栏|脚手架|棚子|雨棚|篷|树|树枝|杆子|电线杆)?.{0,8}(刮倒|吹倒|刮翻|吹翻|刮落|吹落|刮飞|吹飞|倒了|倒下).{0,20}(横在|压在|挡在|拦在|倒在|盖在).{0,6}(路|马路|人行道|过道|通道|门口|楼道|出口|小路).{0,30}"
        r"(还有.{0,4}[块根片个张棵扇].{0,6}(晃|摇|松动|要倒|快倒|要掉|快掉)|有人|行人|人来人往|学生|孩子|小孩|老人|放学|上学|车)|"
        r"\b(?:blown (?:down|over)|fell|fallen|down)\b.{0,40}\b(?:across|over|onto|blocking) (?:the )?(?:path|pavement|sidewalk|walkway|footpath|road|pedestrian)\w*.{0,60}\b(?:more|others?|rest)\b.{0,30}\b(?:swinging|loose|moving|wobbling|about to)\b|"
        r"摇摇欲坠|要掉不掉|随时(会|要|可能)?(掉|倒|塌|断|飞|砸)|(裂|缝).{0,6}越来越(大|宽)|越裂越(大|宽)|裂得(更|越来越)(宽|大|厉害)|(缝|裂口|裂缝)(更|又)(宽|大)了|(墙|楼|顶|天花).{0,4}(塌|坍)|坍塌|巨响.{0,12}(震|抖)|(塔吊|吊车|吊臂|吊着).{0,12}(晃|掉|头顶)|警戒线",
        r"\b(?:falling|dropping|coming) (?:off|down|from|away)\b|\b(?:chunks?|bits|pieces|tiles?|bricks?|concrete|glass|debris|plaster|panels?)\b.{0,24}\b(?:fell|falling|dropp\w*|came (?:off|down))\b|\babout to (?:fall|collapse|come down|give way|snap)\b",
        _AT_HEIGHT + r".{0,16}(?:掉下来|砸下来|掉了下来|\b(?:fell|fallen|dropped|came down|came off)\b).{0,40}(?:差点|险些|差一点|\b(?:nearly|almost)\b) ?(?:砸|\bhit\b)",
        # something loose or hanging at height over a path in use: icicles, a canopy crushed by snow, a pot, a panel
        _AT_HEIGHT + r".{0,50}" + _LOOSE + r".{0,40}" + _BELOW_IN_USE + r"|(?:冰溜子|冰凌|冰锥|冰柱|冰挂|\bicicles?\b).{0,40}" + _BELOW_IN_USE + r"|"
        + _BELOW_IN_USE + r".{0,16}(?:掉下来|砸下来|落下来|\b(?:fall|falls|fell|drop|drops|come down|comes down)\b).{0,8}(?:能|会|就)?(?:砸|\b(?:kill|hit|hurt)\b)",
        r"\b(?:collaps\w*|caving in|hanging (?:loose|off|over|by)|swinging (?:over|in the wind)|give way|giving way|could come down|leaning (?:over|towards|on)|sagging|crack\w*.{0,20}(?:getting (?:bigger|wider)|widening|(?:got|has got|gone|grown) (?:bigger|wider)))\b",
    ]),
    # water pouring into homes, cellars, car parks; burst pipes; sewage coming up
    "flood": ("water", [
        r"(水|污水|粪水|雨水|河水|脏水).{0,10}(漫进|漫到|漫上|漫了|灌进|往里灌|往下灌|灌|涌进|往外涌|冲进|倒灌|流进|流到|进了?(家|屋|客厅|卧室|房间|门)|没过|淹到)|(水|水位).{0,4}(还在|在|一直)涨",
        r"(化粪池|井盖|窨井|盖子|盖板).{0,8}(冲开|顶开|掀开|掀翻|没了|不见了).{0,40}(小学|学校|幼儿园|放学|上学|孩子|小孩|小朋友|行人|人来人往|有人走)|(粪水|污水).{0,8}(往外冒|冒出来|溢出来|往外涌).{0,30}(小学|学校|幼儿园|放学|上学|孩子|小孩|小朋友)",
        # water escaping now in a home: a pipe or joint come apart, water spraying everywhere, the main valve not found
        r"(?<!雨)(水管|管子|管道|水喉|接头|阀门|软管|三通|弯头).{0,4}(崩|爆|脱|断|裂)(开|掉|了|落)|水.{0,3}(喷|呲|飙|涌|冒)(得|出来|了)?.{0,6}(满地|满屋|到处|一地|满墙|满身|都是|天花)|"
        r"(总阀|总闸|总水阀|水阀|阀门).{0,8}(找不着|找不到|关不上|关不住|拧不动|关不了)|"
        r"\bwater\b.{0,20}\b(?:spraying|squirting|gushing|shooting|spurting)\b|\b(?:can.?t|cannot) (?:find|turn off|shut off) the (?:main |water |stop)?(?:valve|stopcock|tap)\b|"
        r"(爆|裂)(了|开)?.{0,4}(?<!雨)(水管|管子|管道|水喉)|(?<!雨)(水管|管子|管道|水喉).{0,3}(爆|裂|断)|爆水喉|水浸",
        r"(家|屋|客厅|卧室|地下室|车库|一楼|电梯井).{0,8}(进水|淹了|被淹|水浸|全是水|都是水)|水.{0,10}(到|过)了?(膝盖|脚踝|腰|车门|小腿)|还在(涨|往里|灌)",
        r"\b(?:flood\w*|burst (?:pipe|main)|pipe (?:has )?burst|ankle.deep|knee.deep|rising water)\b|\b(?:bath|toilet|sink|sewage|drain|river|water)\w*\b.{0,40}\b(?:overflow\w*|backing up|rising)\b.{0,40}\b(?:into|onto|through|down|all over|floor|ceiling|walls?|bedroom|kitchen|living room|flat|home|house)\b",
        r"\bwater\b.{0,10}\b(?:pouring|gushing|coming|rushing|flowing|pour\w*)\b.{0,20}\b(?:in|into|through|under|down)\b",
        r"\b(?:pipe|pipes|main|hose|joint|radiator|boiler|tank)\b.{0,30}\b(?:burst|bust|cracked|split|broke|broken|came apart|came off|froze and \w+)\b.{0,60}\bwater\b.{0,20}\b(?:seeping|spreading|running|pouring|gushing|spraying|coming|flowing|going)\b.{0,20}\b(?:across|into|through|under|over|all over|out|everywhere|down)\b",
        r"(暖气管|暖气片|暖气包|暖气管子|暖气阀|暖气接头|地暖管).{0,6}(爆|崩|脱|断|裂|冻裂|冻爆|喷)|(暖气|热水).{0,6}(喷|呲|滋|往外冒|往外喷|冒白气)",
        r"(滴|漏|流|渗|淌|灌|往下).{0,12}(跟|像|和|如同)(下雨|下大雨|瀑布|水帘|水龙头)(一样|似的|一般)|(地板|木地板|地面|家具|床|沙发).{0,4}(都|全|全都)?(泡|淹)(起来|起了|坏|了)",
        r"\b(?:like (?:rain|a waterfall|a tap)|pouring (?:through|from) the ceiling)\b",
        # water or ice on a way in use, people slipping on it now ("路面已经开始结冰了 过路的老人直打滑")
        r"(结冰|冰面|冻上|冻住|湿滑|积水|水柱|喷水).{0,30}(行人|老人|人|小孩|孩子|学生|路过的|过路的|骑车的).{0,6}(直打滑|一直打滑|打滑|滑倒了|摔倒了|摔了一跤)|"
        r"\b(?:ice|icy|frozen|water)\b.{0,40}\b(?:people|pedestrians|old (?:people|folk|man|woman|lady)|kids|residents|everyone)\b.{0,10}\b(?:are |keep |keeps )?(?:slipping|sliding|falling over)\b",
    ]),
    # fuel spilt, a vehicle moving on its own, an emergency vehicle kept out
    "vehicle": ("safety_hazard", [
        r"(汽油|柴油|机油|燃油).{0,8}(味|漏|滴|淌|一大摊|一摊|泄漏|流)|(?<!油烟机)(?<!抽油烟机)漏油|车.{0,10}(滴|漏|淌|流)油|油.{0,20}(抽烟|烟头|点火|明火|打火)",
        r"(红绿灯|信号灯|交通灯|红路灯).{0,8}(坏|不亮|灭|失灵|停了|黑了).{0,20}(乱|抢|堵|差点|撞)",
        r"(车|货车|卡车|三轮).{0,10}(溜|滑下|往下挪|自己动|翻了|冲过来|冲向|没拉手刹)|没拉手刹",
        r"(消防车|救护车|120|119|急救车).{0,12}(进不来|进不去|过不去|入不到|开不进|堵)|(挡|堵)(住|着|了)?.{0,12}(消防车|救护车|急救车)|(消防车|救护车|急救车).{0,20}(被|让).{0,10}(挡|堵)",
        r"\b(?:petrol|diesel|fuel|gasoline)\b.{0,24}\b(?:leak\w*|smell\w*|spill\w*|pool|everywhere|all over|dripping)\b|\bleaking (?:petrol|diesel|fuel)\b",
        r"\btraffic lights?\b.{0,20}\b(?:out|down|not working|broken)\b.{0,40}\b(?:cars?|people|kids|pedestrians|chaos|nearly)\b",
        r"\b(?:parked|blocked|blocking)\b.{0,60}\b(?:dialysis|chemo\w*|hospital|ambulance|oxygen)\b|(挡|堵|停).{0,30}(透析|化疗|去医院|送医|急诊)",
        r"\b(?:rolling (?:down|towards|backwards)|runaway|handbrake)\b|\b(?:ambulance|fire engine|fire truck|paramedics)\b.{0,70}\b(?:can.?t get|cannot get|blocked|blocking|stuck|can.?t reach|no way through|in the way)\b|"
        r"\b(?:blocked|blocking|in the way of)\b.{0,40}\b(?:ambulance|fire engine|fire truck|paramedics)\b",
    ]),
    # an animal on a person, loose livestock, snakes and swarms near people, an animal trapped
    "animal": ("pets", [
        r"(狗|犬|猫|马蜂|黄蜂|蜂|野猪).{0,12}(?<![没不])(?<!没人被)(?<!没被)(?<!没有被)(咬|扑|追|蛰|叮|围住|冲着)|(咬|扑|蛰)(了|倒|住|伤)?.{0,4}(人|孩子|小孩|老人|学生|阿婆|婆婆|路人)",
        r"(猫|狗|宠物).{0,20}(空调外机|外机|窗台外|窗外|防盗网外|阳台外|雨棚|楼沿|外墙).{0,12}(下不来|卡住|卡在|困住|出不来|上不去)|(猫|狗).{0,20}(卡在|困在|掉到).{0,6}(空调外机|外机|雨棚|防盗网|楼沿)",
        r"(狗|猫|宠物).{0,40}(没水|没有水|没吃的|没人喂|饿了好几天)|\b(?:dog|cat|pet|puppy|kitten)\b.{0,100}\b(?:no water|any water|no food|without (?:water|food)|not been fed|hasn.?t been fed)\b",
        r"蛇(?!皮|果)|一群(蜂|蜜蜂|马蜂)|蜂群|(牛|马|羊|猪).{0,6}(跑|窜|上)(到|了)?.{0,4}(马路|公路|国道|路上)",
        r"\b(?:dogs?|snakes?|wasps?|bees?|swarm|hornets?)\b.{0,40}\b(?:bit|biting|bitten|attack\w*|chasing|cornered|stung|sting\w*|lung\w*|swarm\w*|settled)\b|\bsnake\b",
    ]),
    # poison or chemicals within reach, drinking water fouled, acute illness
    "toxic": ("safety_hazard", [
        r"(药|毒|农药|老鼠药|灭鼠药|杀虫剂|清洁剂|消毒液|化学品|化肥|药水).{0,12}(吃|塞|嘴|吞|舔|冒|呛|咳)|投毒|毒(狗|猫|死)",
        r"(水箱|饮用水|自来水|二次供水).{0,15}(死老鼠|死猫|老鼠|虫|粪|污|毒|油)",
        r"咳嗽.{0,10}(味|气|烟)|(味|气|烟).{0,10}咳嗽|呛得|熏得.{0,4}(睁不开|喘不|头晕)",
        r"\b(?:poison\w*|toxic|chemical\w*|bleach)\b",
        # sharps within children's reach: used needles, broken glass, blades where they play or pick things up
        r"(针头|针筒|注射器|碎玻璃|玻璃碴|玻璃渣|刀片).{0,30}" + _VUL[:-1] + r"|小朋友|学生).{0,12}(捡|玩|摸|拿|翻|光脚)|"
        + _VUL[:-1] + r"|小朋友).{0,12}(捡|玩|摸|拿|翻).{0,16}(针头|针筒|注射器|碎玻璃|玻璃碴|玻璃渣|刀片)",
        r"\b(?:needles?|syringes?|broken glass|razor blades?)\b.{0,50}\b(?:kids?|children|toddlers?)\b.{0,30}\b(?:pick\w*|play\w*|touch\w*|grab\w*)|"
        r"\b(?:kids?|children|toddlers?)\b.{0,30}\b(?:pick\w*|play\w*|touch\w*|grab\w*)\b.{0,30}\b(?:needles?|syringes?|broken glass|razor blades?)\b",
        r"\b(?:minus \d+|freezing|hypotherm\w*)\b.{0,40}\b(?:sleeping|outside|tonight|rough)\b|\bsleeping rough\b",
    ]),
}

# ---- what says the matter is not happening now --------------------------------------------------------------------
_NOW = re.compile(r"\b(?:is|are|'s|'re) (?:falling|dropping|coming (?:off|down|in)|crumbling|spreading|leaking|rising|pouring|giving way)\b|(?<![现存实])在(?:掉|落|塌|裂|往下|晃|冒|渗|涨)|正在|还在|仍在|仍然|现在|此刻|刚刚|刚才|刚|一直|越来越|又|还(?=[有没是冒烧漏响开着])|"
                  r"\b(?:still|now|right now|at the moment|again|just)\b", re.ASCII)
_OVER = re.compile(
    r"已经?(被)?(扑灭|灭了|灭掉|救出|救下|救(了)?出来|找到|送(到|去)?医|送走|修好|处理(好|了)|没事|关掉|关了|走了|抓|带走|清理|退了|出院|打了疫苗|盖上|搬走)|"
    r"(?:打了|打过|打完)(?:狂犬)?疫苗|破(?:了点|点)?皮了|没事了|(人|都)没事|没大事|没(什么)?大碍|看过了|擦破(点|一点)?皮|皮外伤|自己走回|自己起来|出了院|(就|都)?救出来了|喊回|虚惊|散了|误报|后来(查|发现|才知道|知道|找到|是|在|被|自己)|查过|查了(是|说)|说(没|不)(漏|事|问题)|没(有|什么)?问题|找到了|回来了|(被|让)(主人|家人)?(牵走|领走|接走)|"
    r"(?:被|让)?(?:120|救护车|急救车|医生|家属|家人|儿女|子女)(?:已经)?(?:给)?(?:拉走|接走|送走|带走|抬走|送医|送到医院|送去医院|接回)|已经.{0,20}了.{0,30}(?:谢谢|感谢|多谢)(?:大家|各位)|"
    r"警察(来了|来过|已经)|早就|好了(?!多)|收走了|叫回去|叫走了|牵回去|被我(抢|拿|收|拉)|(?:现在|已经|都)?水(?:已经|都|也)?退了|没砸到|没砸着|没(有)?伤到|没伤着|没(有)?受伤|没(有)?人受伤|接她去|接他去|"
    r"\b(?:taken (?:away |off )?(?:by|in|to) (?:the |an )?(?:ambulance|hospital|paramedics)|(?:ambulance|paramedics) (?:has |have )?(?:already )?(?:took|taken)|turned out|it.?s fine now|was fine|false alarm|all (?:fine|ok|okay)|was fixed|got fixed|fixed it|put (?:it )?out|they got out|got out fine|found (?:him|her|them)|is back|came back|"
    r"nobody (?:was )?hurt|no one (?:was )?hurt|police (?:came|took|have)|it.?s off now|by the afternoon|(?:it.?s|is|it) working (?:now|again|fine)|works (?:now|again|fine))\b", re.ASCII)
_PAST_STRONG = re.compile(r"上次|上回|那次|那回|那事|那件事|那个事|去年|前年|上个月|上周|上礼拜|上星期|上个礼拜|上个星期|上周末|前几天|当时|有一次|过一次|"
                          r"前几年|前些年|几年前|多年前|早年|留下(?:的|来的)|(?:烧|烫|熏)(?:过|焦)?的?(?:痕迹|印子|黑印)|"
                          r"\b(?:last (?:week|weekend|month|year|time|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|(?:weeks|months|years) ago|once)\b", re.ASCII)
_PAST_WEAK = re.compile(r"昨天|昨晚|前天|之前|以前|曾经|(?<![着去来走跑抢经路通穿越跨不人车])过(?=[,，。 ]|$)|"
                        r"\b(?:yesterday|last night|earlier|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b", re.ASCII)
_STILL_NOW = re.compile(r"正在|还在(冒|烧|漏|打|响|冒烟|流|涨)|又(着|烧|冒|漏|打|开始)|现在还(在|有)|\b(?:still (?:burning|smoking|leaking|there|going)|again (?:now|right now))\b", re.ASCII)
_SUPPOSE = re.compile(r"(?:台风|暴雨|寒潮|大风|降温|大雪|冷空气)(?:后天|明天|今晚|快|马上|就)?(?:就|要)?(?:来|到)了?|(?:来|到)之前|到时候|\b(?:before the (?:typhoon|storm|winter|snow|rain|cold snap)|(?:typhoon|storm|snow) (?:is )?(?:coming|due|arriving|forecast))\b|(?<![害好很可])怕(?:到时候|被|砸|掉|倒|伤)|看着(?:就|都|真|挺|很)?(?:怕|害怕|吓人|心慌|瘆|慎得慌)|迟早(?:出事|要出事|着火)|\b(?:accident waiting to happen|matter of time|fire (?:hazard|risk)|death trap)\b|万一|如果|要是|假如|假设|一旦|的话|会不会|是不是会|(?<![害好很可])(怕|惊)(?!得|死|了|[,，。!！ ]|$)|担心|迟早|真(要|的)?(着|起|出|烧|倒|塌|掉)|怎么办|咋办|"
                      r"(会|容易|可能会)(着火|起火|漏电|触电|出事|掉下来|倒|摔|烧)|以防|预防|防止|防走失|隐患|安全吗|危险吗|"
                      r"下次|以后(再)?(遇到|闻到|碰到)|\b(?:next time|what should (?:i|we) do|what if|if|in case|worried|could (?:catch|fall|cause|hurt)|might|before (?:someone|somebody|anyone))\b", re.ASCII)
_NEAR_MISS = re.compile(r"差点|差一点|险些|\b(?:almost|nearly)\b", re.ASCII)
_CONTINUING = re.compile(r"一直|还在|正在|不停|反复|仍在|现在|又|(?:上面|上头|楼上)?还有.{0,8}(?:在)?(?:晃|摇|松|悬|挂|吊|要掉|快掉|没掉)|"
                         r"\b(?:still|keeps?|again)\b|\b(?:more|others?|the rest)\b.{0,24}\b(?:loose|swinging|hanging|wobbl\w*|about to)\b", re.ASCII)
_DRILL = re.compile(r"演练|演习|测试|试鸣|\b(?:drill|tests?|testing)\b", re.ASCII)
_RULES = re.compile(r"建议|提议|关键时(?:候|刻)|以备|防患|(?:能|可以|会|能够)(?:救命|救人)|(?:每户|每家|家家户户?)(?:都)?(?:发|装|配)|(?:发|装|送|安装|派|领)(?:了|个|些|一批)?.{0,8}报警器|(?:能|可以|还能)(?:不能)?(?:喝|用|吃)(?:吗|不|嘛)|能不能(?:喝|用|吃)|能不能.{0,12}(?:发|装|配|给|搞|安排|设|建)|(?:每户|每家|家家)(?:都)?(?:发|装|配)|"
                    r"\bis (?:it|this|that|the water) (?:ok|okay|safe|fine|alright|all right) to (?:drink|use|eat|cook|wash)\b|\bsafe to (?:drink|use)\b|能不能(停|放|用|烧|装|加|买|换|检查|查|清|刷|修|安排|找人|派人(?!来)|给|提前|通知)|(提前|事先|预先)通知|可不可以|允不允许|允许|有规定|规定|"
                    r"(该|要)?找谁|(电话|号码)是多少|怎么(办理|申请|处理|弄)|应该先|是不是该|是不是过期|过期了|"
                    r"\b(?:is it allowed|are we allowed|allowed to|rules?|what number|who (?:do|should) (?:we|i) call|how do (?:i|we)|is it safe)\b", re.ASCII)
_BUY = re.compile(r"购买|想买|买个|买了|推荐|补贴|领取|可以领|申请|报名|\b(?:buy|purchase|recommend\w*|subsid\w*|apply)\b", re.ASCII)
_HEARSAY = re.compile(r"听说|据说|听讲|听闻|新闻|(隔壁|隔篱|别的|其他|外|邻)(?:小区|村|镇|社区|屋邨|邨)|\b(?:heard|on the news|another estate|other estate)\b", re.ASCII)
_HABIT = re.compile(r"(?<![第统唯])一(?:洗|用|开|冲|放|下|刮|刷|烧|煮|晒|到)[\u4e00-\u9fff]{0,4}.{0,8}就(?!闻|看|发现|听|见|感觉|觉得)|天天|每天|每次|每回|经常|老是|总是|成天|一直这样|好几(个)?(月|礼拜|星期)|几个月|(好几|几|两|三)(回|次)|见人就|一?(下|落)(大)?雨.{0,3}就|每逢|"
                    r"越来越多|(?<![总])总(?=一个人|自己|在|爱|会|往|把|有人|是|来|去|跑)|(?:晚上|夜里|半夜|平时|有时候?|偶尔|时不时|动不动)(?:还|都|就|也)?会|"
                    r"\b(?:every (?:day|time|night|morning|evening)|always|keeps? parking|for (?:weeks|months|ages)|weeks now|most (?:days|nights|evenings|mornings|weekends)|usually|often|tends? to)\b", re.ASCII)
_EXASPERATION = re.compile(r"(炸了|救命|要死|疯了).{0,12}(吵|电钻|装修|喇叭|广场舞|蚊子|小孩.{0,4}跑)|(吵|电钻|装修|喇叭|广场舞|蚊子|咚咚).{0,24}(炸了|救命|要死|疯了)|"
                           r"吓死(我)?了|吓我一跳|哈哈|开玩笑|玩具|\b(?:toys?|joke|joking|kidding|omg)\b", re.ASCII)

# classes whose smoke or smell an ordinary source explains (a barbecue, cigarettes, cooking, incense)
_SMOKE_CLASSES = {"fire", "toxic"}
# an open flame reaching something that burns: no barbecue or paper offering explains that away
_FLAME_NEAR = re.compile(r"(火苗|火星|火焰|火势|着火|烧起来|明火|火光|没灭|还在烧).{0,16}(车|电动车|楼|窗|家|屋|草|树|杂物|衣服|被子|窗帘|人|蔓延|往.{0,4}(飘|窜|烧))|"
                         r"(车|电动车|楼|窗|家|屋|草|树|杂物|衣服).{0,8}(火苗|火星|烧着|着了)", re.ASCII)
_SENT = re.compile(r"[^.!?;。！？；\n]+")
# a matter that has lasted days or weeks is a repair, not an emergency, for the classes about things (not people)
_STALE = re.compile(r"(好|几|两|三|四|五|多|十)(个)?(天|礼拜|星期|周|月|年)了|都快.{0,3}(天|礼拜|星期|周|月)|"
                    r"\b(?:for (?:days|weeks|months|ages|a week|a month)|(?:weeks|months) now|all (?:week|month))\b", re.ASCII)
_MINOR = re.compile(r"不大(?!了)|不严重|有点|有一点|一点点|拿盆接|接着呢|\b(?:a (?:little|bit)|slightly|minor|small)\b", re.ASCII)
_THING_CLASSES = {"fire", "gas", "electric", "structure", "flood", "vehicle", "animal", "toxic"}
_MINOR_CLASSES = {"electric", "structure", "flood", "animal"}
_ANIMAL = re.compile(r"猫|狗|鸟|鸽子|松鼠|虫|蚂蚁|蟑螂|老鼠|壁虎|蜘蛛|蜈蚣|蛾子|\b(?:cats?|dogs?|birds?|kittens?|pupp(?:y|ies)|pigeons?|seagulls?|squirrels?|fox(?:es)?|bugs?|insects?|ants|cockroach\w*|rats?|mice|spiders?)\b", re.ASCII)
# people passing under or by a place every day: the place is in use, the hazard is no habit ("底下天天有人过")
_USE_OF_PLACE = re.compile(r"(?:天天|每天|经常|老是|总是|一直)(?:都)?(?:有)?(?:人|小孩|孩子|学生|老人|车)(?:从|在)?.{0,6}(?:过|走|经过|路过|进出|上下学|通过|玩)|"
                           r"\b(?:people|kids|children|residents|everyone)\b.{0,20}\b(?:every ?day|all day|always)\b|\b(?:every ?day|always)\b.{0,12}\b(?:people|kids|children) (?:walk|pass|go)", re.ASCII)
# a smell from droppings, urine or rubbish ("it's choking", "呛人")
_FOUL_SMELL = re.compile(r"(?:尿|屎|(?<!化)粪|鸽子|垃圾|剩菜|馊|泔水|腐烂|\b(?:urine|pee|poo|dung|droppings|rubbish|garbage|bins?|rotting)\b).{0,30}(?:味|臭|呛|熏|\b(?:smell\w*|stink\w*|reek\w*|chok\w*)\b)|"
                         r"(?:味|臭|\b(?:smell\w*|stink\w*|reek\w*)\b).{0,30}(?:尿|屎|(?<!化)粪|鸽子|垃圾|剩菜|馊|泔水|腐烂|\b(?:urine|pee|poo|dung|droppings|rubbish|garbage|bins?|rotting)\b)", re.ASCII)
_SOMEONE_HURT = re.compile(r"晕|吐|喘不|倒|送医|\b(?:he|she|kid|child|baby|man|woman|someone|somebody) (?:is |was |'s )?(?:chok|vomit|faint|collaps)\w*|\b(?:dizzy|vomit\w*|fainted|collapsed|can.?t breathe)\b", re.ASCII)
# a light fitting hanging loose ("灯罩掉下来一半，吊着晃荡"): a light to mend, unless someone is said to be under it
_LAMP = re.compile(r"灯罩|灯管|灯泡|灯具|灯座|吊灯|\blight ?(?:shade|fitting|cover)s?\b|\blamp ?shades?\b", re.ASCII)
_SOMEONE_BELOW = re.compile(r"(?:底下|下面|下方|下边)(?:就|正)?(?:是|有)?.{0,6}(?:人|小孩|孩子|小朋友|老人|床|沙发|餐桌)|砸到|砸着|砸伤|\b(?:people|kids?|children|someone) (?:below|under|underneath)\b", re.ASCII)
# rain running off a roof through a downpipe outside: no home is flooding
OUTSIDE_DRAIN = re.compile(r"雨水管|落水管|排水管|\b(?:downpipe|drainpipe|gutters?|rain ?water pipe)\b", re.ASCII)
INDOORS = re.compile(r"家里|屋里|室内|进水|灌进|电|\b(?:inside|into (?:the |our |my )?(?:flat|home|house)|electric\w*)\b", re.ASCII)
# a lasting state of the body that keeps someone in ("腿脚不好出不来"): no one is trapped
_CHRONIC_MOBILITY = re.compile(r"腿脚不(?:好|便|灵)|行动不便|腿不好|走不动(?:路)?|瘫痪|卧床|坐轮椅|\b(?:housebound|bedridden|mobility|wheelchair|can.?t walk (?:far|much))\b", re.ASCII)
# an alarm told as sounding without pause: a beep that no battery explains
_ALARM_NONSTOP = re.compile(r"报警器?.{0,10}(?:一直|不停|个不停|狂响|响了(?:一|半|好|几|整)|从.{0,10}(?:就|一直))|"
                            r"\balarms?\b.{0,30}\b(?:non.?stop|continuous\w*|constantly|won.?t stop|hasn.?t stopped|for (?:an? |\d+ |two |three |several |the last )?hours?|since|all (?:day|night|afternoon|morning|evening))", re.ASCII)
_BATTERY = re.compile(r"电池|没电|低电量|\b(?:batter(?:y|ies)|chirp\w*|low power)\b|(?:燃气|煤气|电|水)费|账单|\bbills?\b", re.ASCII)
_SOMEONE = re.compile(_VUL + r"|有人|人|\b(?:someone|somebody|man|woman|person|people|he|she)\b|" + _VUL_EN, re.ASCII)
_DRAINS = re.compile(r"下水道|化粪池|地漏|马桶|厕所|臭水沟|\b(?:drains?|sewer|sewage|toilet)\b", re.ASCII)
_GAS_NOUN = re.compile(r"煤气|燃气|天然气|液化气|石油气|气罐|\bgas\b", re.ASCII)
_KITCHEN = re.compile(r"炒|煮|煎|炸(?!了|弹)|烤(?!火)|\b(?:toast|frying|cooking)\b", re.ASCII)
# 没反应 / 不动 said of a thing: a light, a switch, a lift button, a card reader, a screen
_NO_RESPONSE = re.compile(r"不动|不醒|不应|没反应|没有反应|没动静|不识应|不会应|唔识应", re.ASCII)
_DEVICE = re.compile(r"声控|感应|灯|按钮|按键|开关|遥控|门禁|刷卡|读卡|机器|机子|电视|手机|电脑|屏|面板|电梯|插座|app|\b(?:light|switch|button|sensor|remote|screen|reader)s?\b", re.ASCII)
_PERSON = re.compile(_VUL + r"|他|她|人|\b(?:he|she|someone|somebody|man|woman|person)\b", re.ASCII)
_POKING = re.compile(r"捅天花板|敲(墙|天花板|地板|暖气)|\bbang\w* on the (?:ceiling|wall)\b", re.ASCII)


@dataclass(frozen=True)
class HazardHit:
    cls: str
    category: str
    text: str


_COMPILED = {name: (cat, re.compile("|".join(f"(?:{p})" for p in pats), re.ASCII)) for name, (cat, pats) in _CLASSES.items()}


def _not_now(sentence: str, message: str) -> bool:
    """True if the sentence (or, for a drill, a purchase, a rules question or a story told as over, the message)
    says the hazard is not happening now."""
    if _NEAR_MISS.search(sentence) and not _CONTINUING.search(sentence):
        return True  # "我家猫差点误食": a near miss told as over; not a door still slamming ("一直往下砸…差点砸到")
    if _OVER.search(sentence) and not _STILL_NOW.search(sentence):
        return True
    if _PAST_STRONG.search(sentence) and not _STILL_NOW.search(sentence):
        return True
    if _PAST_WEAK.search(sentence) and not _NOW.search(sentence):
        return True
    if _SUPPOSE.search(sentence) and not _STILL_NOW.search(sentence):
        return True
    if _HEARSAY.search(sentence) or _HABIT.search(_USE_OF_PLACE.sub("", sentence)) or _EXASPERATION.search(message):
        return True
    return bool(_DRILL.search(message) or _RULES.search(message) or _BUY.search(message) or
                (_OVER.search(message) and not _STILL_NOW.search(message)))


def detect(text: str, vetoes: dict | None = None) -> list[HazardHit]:
    """Acute hazard concepts in a normalised text, each class once, none in a sentence that says it is not now.
    `vetoes` are the danger rules' own (danger.yaml): ordinary smoke, routine chores, things lost, smells put down to
    the drains, a running tap."""
    vetoes = vetoes or {}
    ordinary = vetoes.get("ordinary_smoke")
    hits: list[HazardHit] = []
    seen: set[str] = set()
    for sm in _SENT.finditer(text):
        sent = sm.group(0)
        found = [(name, cat, m) for name, (cat, rx) in _COMPILED.items() if name not in seen and (m := rx.search(sent))]
        if not found or _not_now(sent, text):
            continue
        for name, cat, m in found:
            if name in _SMOKE_CLASSES and ((ordinary is not None and ordinary.rx.search(sent)) or _KITCHEN.search(sent)) \
                    and not _FLAME_NEAR.search(sent):
                continue  # the smoke of a barbecue, cigarettes or cooking, with no flame reaching anything
            if name in _THING_CLASSES and _STALE.search(sent):
                continue  # a scorched socket 'for days': a repair
            if name in _MINOR_CLASSES and _MINOR.search(sent):
                continue  # a little seepage, a small crack
            if name == "gas" and _DRAINS.search(sent) and not _GAS_NOUN.search(sent):
                continue  # a rotten-egg smell from the drains
            if name in ("trapped", "exposed") and _ANIMAL.search(sent) and not _SOMEONE.search(_ANIMAL.sub("", sent)):
                continue  # a cat up a tree is no person trapped
            if name == "person_down" and vetoes.get("dumped") is not None and vetoes["dumped"].rx.search(sent):
                continue  # leftovers tipped out on the stairs: nobody fell
            if name == "person_down" and _NO_RESPONSE.search(m.group(0)) and _DEVICE.search(sent) and not _PERSON.search(sent):
                continue  # a sound-activated light that does not answer a clap is a lamp, not a person
            if name == "structure" and _LAMP.search(m.group(0)) and not _SOMEONE_BELOW.search(sent):
                continue  # a lamp shade hanging half off: a light to mend, unless people are under it
            if name == "flood" and OUTSIDE_DRAIN.search(sent) and not INDOORS.search(sent):
                continue  # a downpipe split on the outside wall
            if name in ("person_down", "toxic") and _FOUL_SMELL.search(sent) and not _SOMEONE_HURT.search(sent):
                continue  # "the bins stink of rotting rubbish, it's choking": a foul smell, nobody is choking
            if name == "trapped" and re.search(r"钥匙|\bkeys?\b", sent):
                continue  # keys locked in
            if name == "violence" and _POKING.search(sent):
                continue  # a broom against the ceiling: a quarrel between floors
            if name in ("gas", "fire") and _ALARM_NONSTOP.search(sent) and vetoes.get("car_alarm") is not None and vetoes["car_alarm"].rx.search(sent):
                continue  # a car alarm going on and on is a nuisance
            if name in ("gas", "fire") and _ALARM_NONSTOP.search(sent) and not _BATTERY.search(sent) and not any(
                    v is not None and v.rx.search(sent) for v in (vetoes.get("attributed"), vetoes.get("tap"))):
                seen.add(name)  # beeping without pause and no battery named: an alarm sounding, not a chirp
                hits.append(HazardHit(name, cat, m.group(0).strip()))
                continue
            if name in ("trapped", "intrusion") and _ANIMAL.search(sent) and not _SOMEONE.search(_ANIMAL.sub("", sent)):
                continue  # insects crawling in at a window are no intruder
            if name == "trapped" and _CHRONIC_MOBILITY.search(sent) and not re.search(r"卡|困|摔|\b(?:stuck|trapped|fell|fallen)\b", sent):
                continue  # bad legs keep her in: a lasting state, nobody is shut in
            if any(v is not None and v.rx.search(sent) for v in (vetoes.get("routine"), vetoes.get("attributed"), vetoes.get("tap"))):
                continue  # a battery, a bill, a chirping alarm; a smell the writer puts down to the drains; a tap
            if name == "missing" and vetoes.get("things_lost") is not None and vetoes["things_lost"].rx.search(sent):
                continue  # a child's bike is missing, not the child
            seen.add(name)
            hits.append(HazardHit(name, cat, m.group(0).strip()))
    return hits
