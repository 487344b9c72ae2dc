"""Generated training text for the urgency head and for the intents that get mistaken for reports (dev-only, used by
train.py). Danger is composed from many small parts (who or what × where × what is happening × how it is said) so
the model learns the shape of an emergency, not a list of sentences; the negatives mention the same scary words
harmlessly (alarms to install, drills, expired extinguishers, hypotheticals, jokes) or describe the same things
broken but with nobody at risk. None of this is copied from a measuring set."""
from __future__ import annotations

import random

# ---- danger, Chinese ---------------------------------------------------------------------------------------------
Z_SPOT = ["楼道里", "楼梯间", "走廊里", "隔壁", "对门", "楼上", "楼下", "我家", "家里", "厨房", "地下室", "车库里",
          "地下车库", "电梯间", "单元门口", "3楼", "五楼", "12楼那户", "一楼住户", "楼顶", "阳台", "配电房", "车棚",
          "垃圾房", "小区门口", "花园里", "广场上", "4号楼", "七栋", "2单元", "对面楼", "物业办公室", "菜市场旁边"]
Z_FIRE_SRC = ["", "", "插座", "电箱", "电表箱", "配电箱", "电动车", "电瓶", "充电器", "窗户", "油锅", "灯", "吸顶灯",
              "空调外机", "垃圾桶", "电线", "楼顶", "门缝", "排风口", "车", "屋里", "厨房"]
Z_FIRE_STATE = ["冒烟了", "在冒烟", "冒黑烟", "冒白烟", "往外冒烟", "冒出好多烟", "一直冒烟", "着火了", "起火了",
                "烧起来了", "有火苗", "火挺大", "冒火星", "打火花", "噼里啪啦冒火花", "一股焦糊味", "有烧焦的味道",
                "烟越来越大", "全是烟", "烟呛得睁不开眼", "冒火了", "着了扑不灭", "烧着了", "有明火", "滋滋冒火花",
                "烧得发黑还冒烟", "有股烧塑料的味道", "传出烧电线的味道", "烟从门缝里冒出来", "一股一股的浓烟"]
Z_GAS = ["有股臭鸡蛋味", "一股臭鸡蛋的味儿", "煤气味很重", "闻到燃气味", "一股天然气的味道", "燃气味越来越浓",
         "嘶嘶地漏气", "有很冲的煤气味", "一股化学品的味道很刺鼻", "一股汽油味很浓", "有刺鼻的气味熏得人头晕",
         "味道像煤气", "好像漏气了有股怪味", "一股液化气味", "化学药水味呛得眼睛疼", "有股怪味像是燃气",
         "气味刺鼻好几个人咳嗽", "燃气表滋滋响还有味", "闻着像臭鸡蛋", "一股瓦斯味"]
Z_GAS_TAIL = ["", "", "越来越重", "头都晕了", "好几个人在咳嗽", "不知道哪家的", "熏得人恶心", "孩子说头疼", "快来看看"]
Z_WHO = ["一个老人", "有个大爷", "一个阿姨", "有个人", "一个男的", "一个女的", "邻居", "我妈", "我爸", "老太太",
         "外卖小哥", "一个小孩", "有位老奶奶", "隔壁大爷", "保洁阿姨", "一个年轻人", "我奶奶", "我爷爷", "老伴"]
Z_WHERE = ["在楼梯口", "在电梯里", "在路边", "在花坛边", "在卫生间", "在家里", "在楼道里", "在门口", "在小区门口",
           "在公交站", "在车库", "在广场上", "在菜市场", "在草坪上", "在台阶上", ""]
Z_DOWN = ["倒在地上不动了", "躺着一动不动", "晕过去了", "叫不醒", "怎么叫都没反应", "喊他也不理", "摔倒了起不来",
          "摔得满脸是血", "在抽搐", "突然倒下去了", "喘不上气", "昏过去了", "脸色发紫", "说不出话了", "倒下了",
          "趴在地上不动", "摔了一跤头上流血", "口吐白沫", "捂着胸口倒了", "瘫在那儿起不来", "嘴歪了说话不清楚",
          "半边身子动不了", "晕倒了", "躺在地上没反应", "坐在那儿叫也不应", "头磕破了血一直流", "腿摔断了动不了",
          "呼吸很弱", "一直吐还发抖", "突然就不省人事了"]
Z_ALONE = ["隔壁独居老人", "楼上的老奶奶", "对门的大爷", "我邻居", "一个人住的阿姨", "楼下那个独居老头",
           "502的老太太", "隔壁王奶奶", "一个人住的李大爷", "独居的老人"]
Z_DAYS = ["三天", "好几天", "这周", "几天", "两三天", "一个星期", "四五天", "这几天"]
Z_UNSEEN = ["没开门", "没露面", "没下楼", "没见人", "敲门没人应", "电话打不通", "门口快递堆着没拿", "牛奶都没拿",
            "报纸堆了一堆", "灯都没亮过", "没有动静", "窗帘一直拉着", "都没出来倒垃圾", "叫门也不答应"]
Z_KIN = ["我儿子", "我女儿", "孩子", "小孙子", "小孙女", "我家老爷子", "我妈", "我外婆", "老伴", "隔壁家的小孩",
         "一个小男孩", "我弟弟", "我爸"]
Z_MISSING = ["到现在还没回家", "找不到了", "不见了", "一转眼就没了人影", "走丢了", "联系不上了", "电话关机一直没回来",
             "出门到现在都没回来", "放学没到家", "在小区里找了一圈都找不着", "跟丢了", "下落不明"]
Z_KIN_NOTE = ["", "", "有老年痴呆", "才五岁", "腿脚不好", "记性不好", "七点就该到家了"]
Z_LIFT_STUCK = ["卡在两层中间", "停在半空", "突然不动了门打不开", "往下掉了一截停住了", "停在6楼和7楼之间",
                "卡住了", "停了门打不开", "坏在半路", "困在中间不动", "按铃没人理门也开不了"]
Z_LIFT_IN = ["里面有人", "我妈在里面", "里面关着两个孩子", "我们被关在里面", "有老人困在里面", "里面还有个快递员",
             "我和孩子在里面", "里面的人在喊", "有人被关了快半小时"]
Z_LOCKED = ["孩子被反锁在卫生间出不来", "老人被锁在阳台上", "小孩把自己锁在车里", "孩子被关在家里一个人哭",
            "老人被困在屋里出不来", "有人被锁在地下室出不来", "孩子反锁在房间里没动静"]
Z_WATER = ["水顺着灯往下流", "水从天花板往下灌", "水从开关里流出来", "水漫到插座了", "水淹进屋里了",
           "家里进水漫过脚脖子", "主水管爆了楼梯间全是水", "水管爆了水喷得到处都是", "水往配电箱里流",
           "水沿着电梯井往下流", "水从吊灯里往下滴灯还亮着", "水从楼上哗哗地往下冲", "水倒灌进家里",
           "污水涌进屋里了", "天花板一直往下漏水插座都湿了", "楼上漏下来的水流进电表箱", "一楼进了半米深的水",
           "水管裂了哗哗往外喷", "暖气管爆了开水喷了一地", "水已经漫到床边了"]
Z_WIRE = ["电线被风刮断了垂在人行道上", "有根电线掉在水坑里", "电缆落地了还在滋滋响", "电线断了掉在地上",
          "高压线掉下来了", "电线垂下来快碰到人头了", "一根电线泡在积水里还冒火花", "电线杆倒了线都拖在地上"]
Z_FALL_OBJ = ["阳台的花盆", "空调外机", "楼顶的广告牌", "窗户玻璃", "外墙瓷砖", "一大块墙皮", "脚手架", "招牌",
              "雨棚", "防盗窗", "一块水泥块", "树上的断枝", "楼顶的彩钢板"]
Z_FALL_STATE = ["摇摇欲坠", "快掉下来了", "挂在半空晃", "松了随时会掉", "已经裂开要掉了", "被风吹得要倒了",
                "歪了一半挂着"]
Z_BELOW = ["下面是人行道", "下面有小孩在玩", "下面有人来回走", "底下就是单元门口", "下面是学校门口", "下面停着车还有人"]
Z_VIOLENT = ["有人拿着刀追人", "两个人拿酒瓶打起来了", "几个人在砸车窗", "有人在撬门锁", "楼上男的在打老婆",
             "家里好像进人了", "有小偷在屋里", "有人在打架还见血了", "有人拿棍子打人", "一个男的在踹邻居家的门",
             "有人闯进了我家", "有人正在偷电动车", "有人持刀威胁", "楼上有人在喊救命还有砸东西的声音",
             "有人翻窗户进了隔壁"]
Z_DOG = ["一条大狗把小孩扑倒咬了", "没拴绳的狗在追着老人咬", "流浪狗咬伤了人腿上都是血", "狗咬了一个小孩",
         "一群野狗在追着学生咬", "大狗冲出来咬了路人"]
Z_MED = ["老人说胸口闷得厉害", "孩子发高烧抽筋了", "我爸突然说话不清楚嘴也歪了", "老人一直吐还喘不上气",
         "邻居说头晕恶心可能是一氧化碳", "一家人都头疼恶心烧着炭火", "老人呼吸很困难", "有人吃错药了叫不醒",
         "热水器开着人就头晕恶心", "孩子误吃了药", "孩子被烫伤了一大片"]
Z_HEIGHT = ["孩子坐在窗台外面晃腿", "小孩爬到阳台护栏外面了", "有人站在楼顶边上好像要跳", "小孩在楼顶边上玩",
            "一个人坐在天台边上哭", "孩子趴在窗户外面没大人"]
# More indirect emergencies, each with its category.
Z_MORE = [("safety_hazard", t) for t in [
    "走廊里一股煤气味，挨家敲门都说不是自己家的", "楼道里烟雾缭绕，不像是有人抽烟", "电线杆上的线一直在打火花",
    "电箱那边啪啪响还闪光", "充电的电瓶鼓起来了还在冒白气", "楼下那辆电动车电瓶嗞嗞响，往外冒烟",
    "插排烧黑了，屋里全是焦味", "空调插头那里冒烟了，闻着很呛", "地下车库有股浓烈的汽油味，越来越重",
    "隔壁门缝里往外飘烟，家里好像没人", "对面楼有扇窗户里面红红的，还有烟", "闻到一股焦味，好像是哪家锅烧干了，敲门没人",
    "一家人烧炭取暖，都说头晕想吐", "楼下商铺的招牌被风吹得一晃一晃，下面全是人", "外墙上的空调架锈断了，外机吊在半空",
    "台风把楼顶的铁皮掀起来了，随时会飞下来", "大风把电线吹断了，线头掉在人行道上还在滋滋响",
    "楼顶的广告牌快被刮下来了，底下就是学校门口"]] + [("care", t) for t in [
    "楼梯上趴着一个人，拍他也不醒", "小区长椅上有个老人歪着，怎么叫都不答", "楼下有个人躺在地上，旁边有个摔碎的酒瓶，叫不醒",
    "电梯口坐着个老太太，问她家在哪说不清楚", "有个老爷爷在路口转来转去，说不出自己住哪", "楼上老人摔倒了，喊我们帮忙，可是门锁着进不去",
    "对门阿姨说喘不过气，嘴唇都紫了", "我爸吃着饭突然说不出话，手也抬不起来", "隔壁小孩一直哭，一整天都没见大人",
    "楼上独居的老人，好几天没见下楼买菜了，窗户也一直关着", "对门大爷平时天天在楼下下棋，这几天都没见着，门也敲不开",
    "楼下王阿姨的报纸和牛奶在门口堆了好几天", "一个人住的老太太电话一直没人接，她平时都接的",
    "我女儿放学没到家，学校说四点就走了", "孩子在广场上玩，一转身就不见了", "我奶奶有点糊涂，中午出门到现在还没回来",
    "一个三四岁的小孩在马路边自己走，没看到大人", "有个孩子一个人在池塘边，旁边没大人",
    "有个年轻人站在楼顶边上，好像情绪不对", "一个女的坐在天台护栏上哭", "对面楼有个小孩站在窗台上，窗户是开着的",
    "小孩被锁在车里，车停在太阳底下", "老人把自己反锁在屋里，敲门不应，里面有声音"]] + [("facilities", t) for t in [
    "电梯停在两层中间，里面的人在拍门", "电梯门卡住了，我儿子在里面出不来", "电梯突然往下一沉就不动了，我们还在里面",
    "3号楼电梯困住了，里面有个孕妇", "电梯门夹住了老人的手"]] + [("public_order", t) for t in [
    "有个男的拿着刀在楼下吼，说要砍人", "楼上那家男的又在打老婆，喊救命", "两伙人在门口拿着棍子对峙",
    "有人正在砸我家门，说要进来", "有人拿着菜刀追着人跑", "一个醉汉拿啤酒瓶砸人，有人头上流血了",
    "有人从阳台爬进了邻居家，邻居出差不在", "有个人在撬隔壁的门，已经撬了好几分钟"]] + [("water", t) for t in [
    "水顺着墙流进了电表箱", "楼道的水漫到了配电箱下面", "水从楼上灌下来，插座都泡水了", "地下室水越来越深，电箱快淹了",
    "水从吊顶灯里往下滴，灯还开着", "邻居家没人，门缝底下一直往外冒水"]]
Z_OPEN = ["", "", "", "", "快来人！", "紧急！", "你好，", "急！", "求助，", "网格员，", "快，", "救命，", "不好了，"]
Z_CLOSE = ["", "", "", "", "", "快来人", "快点来", "怎么办啊", "已经打119了", "已经打了120", "谁能来一下", "快来看看",
           "！！", "，急", "，吓死了", "，现在还在", "，怎么办"]

# ---- danger, English --------------------------------------------------------------------------------------------
E_SPOT = ["in the stairwell", "next door", "upstairs", "downstairs", "in my kitchen", "in the basement", "in the car park",
          "in the bike shed", "in the bin room", "on the 5th floor", "in block 3", "in the lobby", "in the corridor",
          "at the gate", "outside my flat", "in the garage", "on the roof", "in the laundry room", ""]
E_STATE = ["there's smoke coming out", "smoke is pouring out", "something is on fire", "I can see flames",
           "sparks are coming out of the socket", "there's a strong burning smell", "it smells of burning plastic",
           "there's a strong smell of gas", "it smells like rotten eggs", "there's a chemical smell and people are coughing",
           "the fuse box is smoking", "an e-bike caught fire", "thick black smoke", "the smoke alarm is going off and it's smoky",
           "a strong petrol smell", "the gas pipe is hissing", "my CO alarm is beeping and I feel dizzy"]
E_WHO = ["an old man", "an old lady", "a woman", "a man", "someone", "my neighbour", "my dad", "my mum", "a kid",
         "the cleaner", "a delivery guy", "my grandma", "an elderly man"]
E_DOWN = ["collapsed", "is lying on the floor and not moving", "fainted", "is unconscious", "fell and can't get up",
          "fell and is bleeding from the head", "is having a seizure", "passed out", "isn't responding", "can't breathe",
          "is lying on the pavement", "fell down the stairs", "is on the ground and won't wake up", "slumped over and isn't moving",
          "is clutching his chest and can't breathe", "suddenly can't move one side of his body"]
E_UNSEEN = ["my neighbour hasn't answered the door in {d} and the mail is piling up",
            "the old man in {r} lives alone and nobody has seen him for {d}",
            "the lady next door hasn't opened her door for {d}, her milk is still outside",
            "nobody has seen the elderly woman upstairs for {d}, her phone goes to voicemail",
            "haven't seen my elderly neighbour for {d}, curtains closed, no answer",
            "the old guy downstairs hasn't been out for {d}, his newspapers are piling up"]
E_MISSING = ["my son hasn't come home from school and it's dark", "my {k} wandered off and we can't find {p}",
             "my mum has dementia and she's been gone since this morning", "my {k} is missing", "we've lost my {k} in the park",
             "a little boy is walking alone by the pond with no adults", "my dad went out hours ago and isn't answering his phone",
             "a small child is wandering alone near the main road"]
E_TRAP = [("facilities", "the lift is stuck between floors with {w} inside"), ("facilities", "{w} is trapped in the elevator"),
          ("facilities", "we're stuck in the lift and the alarm doesn't work"), ("facilities", "the elevator stopped between floors, {w} is inside"),
          ("facilities", "the lift dropped and stopped, {w} is inside"), ("facilities", "the lift doors won't open and {w} is inside banging"),
          ("facilities", "{w} has been shut in the lift for twenty minutes"), ("facilities", "the elevator is jammed on floor 6 with {w} in it"),
          ("care", "my kid is locked in the car and it's hot"), ("care", "{w} is locked in the bathroom and can't get out"),
          ("care", "{w} is locked on the balcony and it's freezing"), ("care", "a toddler locked himself in a car in the sun")]
E_WATER = ["water is pouring through my ceiling onto the light", "a burst main is flooding the stairwell",
           "water is coming through the ceiling next to the fuse box", "the ground floor flats are flooding",
           "water is running down the wall into the sockets", "a pipe burst and water is gushing everywhere",
           "sewage is flooding into the flat", "water is reaching the electrics in the basement",
           "water is dripping out of the light fitting and it's still on", "the car park is flooding and water is pouring in",
           "the meter cupboard is full of water and buzzing", "water is running into the electric box on the landing",
           "the basement is filling up and the switch room is next", "water keeps pouring out from under the door of an empty flat"]
E_OTHER = [("safety_hazard", "a live wire is hanging over the footpath"), ("safety_hazard", "a power line is down across the road"),
           ("safety_hazard", "a cable is down in a puddle and sparking"), ("safety_hazard", "a big chunk of concrete is about to fall off the balcony"),
           ("safety_hazard", "scaffolding is swaying over the school gate"), ("safety_hazard", "an air conditioner unit is hanging loose over the entrance"),
           ("safety_hazard", "a window pane is about to fall onto the path"), ("safety_hazard", "wires on the pole are throwing sparks onto the pavement"),
           ("safety_hazard", "a billboard is flapping loose above the bus stop, people are standing under it"),
           ("safety_hazard", "the wind ripped a cable down and it's lying across the path, still live"),
           ("safety_hazard", "a shop sign is dangling by one bolt over the pavement"),
           ("public_order", "someone is breaking into the flat next door"), ("public_order", "a man with a knife is chasing people"),
           ("public_order", "there's a fight and someone is bleeding"), ("public_order", "a guy is kicking in my neighbour's door"),
           ("public_order", "I can hear a woman screaming for help upstairs"), ("public_order", "someone is in my flat right now"),
           ("public_order", "a drunk man is waving a knife at the guard"), ("public_order", "a man is threatening his wife with a cleaver upstairs"),
           ("public_order", "two men are beating someone up behind the bins"), ("public_order", "someone is smashing car windows in the garage right now"),
           ("public_order", "a stranger is climbing up the drainpipe to a balcony"),
           ("pets", "a dog just bit a child"), ("pets", "a loose dog is attacking people"), ("pets", "a stray dog bit a delivery rider and he's bleeding"),
           ("care", "a toddler is on the balcony railing"), ("care", "someone is standing on the roof edge"),
           ("care", "an old man doesn't know where he lives and is wandering in his pyjamas"), ("care", "a kid fell into an open manhole"),
           ("care", "my dad's speech is slurred and his face is drooping"), ("safety_hazard", "the whole family has headaches and feels sick, could be carbon monoxide"),
           ("care", "a young woman is sitting on the rooftop ledge crying"), ("care", "a man has been sitting on the railing of the roof for ten minutes"),
           ("care", "a little girl is hanging out of a third floor window"), ("care", "an old lady is sitting in the rain and can't tell us her address"),
           ("care", "the old man next door is slumped in his chair and won't wake up"), ("care", "a boy fell off his bike and is lying still in the road"),
           ("care", "my neighbour is shaking and can't talk properly"), ("care", "granddad went out for a walk hours ago and hasn't come back, he gets confused"),
           ("care", "we can't find our four year old, he was on the slide a minute ago"), ("care", "nobody has heard from the lady in 402 for days, her door is locked"),
           ("care", "an elderly man has been lying by the bins for a while, not moving")]
E_OPEN = ["", "", "", "please help, ", "urgent: ", "help! ", "hi, ", "quick, ", "emergency - "]
E_CLOSE = ["", "", "", " please come now", " please send someone", "!", " right now", " what do I do", ", called 119 already", " hurry"]

# ---- not danger: scary words said harmlessly, or things broken with nobody at risk --------------------------------
N_ZH = [
    "建议{s}加装烟感报警器", "能不能在{s}装个烟雾报警器", "{s}的灭火器是不是过期了", "灭火器过期了吗，什么时候换",
    "消防通道的线能不能重新刷一下", "消防演习什么时候搞", "今年的消防演练在哪里报名", "燃气公司什么时候来安检",
    "燃气费在哪交", "天然气开户要什么材料", "燃气报警器哪里能买到", "能不能搞个防火知识讲座", "独居老人家里能不能配个一键呼叫的设备",
    "{s}有只死猫，好几天了", "{s}有只死老鼠，有点臭", "草丛里有只死鸟", "笑死了，{s}的大爷跳舞把鞋甩飞了",
    "急死了，驿站排队排到门外", "这周末又要开家长会，急死我了", "气死我了，车位又被占了", "吓死我了，原来是楼上掉了件衣服",
    "万一着火了往哪跑", "要是家里燃气泄漏，该先关哪个阀门", "如果被关在电梯里，应该先按哪个按钮", "万一停电了电梯里的人怎么办",
    "假如发生火灾，这栋楼的逃生路线在哪", "要是老人在家摔倒了怎么办，有没有呼叫器", "如果孩子走丢了去哪里求助",
    "{s}有人抽烟，烟味很大", "楼下烧烤店油烟太大", "{s}有人烧纸", "有人在绿化带烧树叶", "饭店的油烟熏得窗户都黑了",
    "电梯又停了，好在没人在里面，就是上下楼不方便", "电梯停运了好几天，爬楼很累", "电梯老是卡一下再走，能不能检修",
    "电梯按钮不灵", "电梯里的灯坏了", "{s}的灯泡烧了", "路灯一闪一闪的", "楼道灯不亮了",
    "把钥匙落屋里了，谁有开锁师傅的电话", "门锁坏了打不开，想找人换锁", "有只小猫爬到树上不敢下来", "小狗卡在栏杆里了",
    "我家的猫走丢了", "狗天天叫吵得睡不着", "有人遛狗不拴绳", "{s}有狗屎没人清理",
    "天花板有一小块水渍", "水管有点渗水，墙面发黄", "下水道堵了", "停水了什么时候来水", "自来水有点黄",
    "水压太小了", "楼上空调滴水滴到我家窗台", "停电了什么时候来电", "家里跳闸了，自己能弄吗",
    "老房子电线老化，担心哪天出问题", "电动车在楼道充电，迟早出事", "飞线充电太危险了，有人管管吗",
    "{s}堆了好多纸箱，挡住了安全出口", "消防栓被车挡住了", "消防通道又被车堵了", "灭火器箱子被人拿去放杂物了",
    "外墙瓷砖有裂缝，找人看看", "围墙有点歪，建议检查", "阳台栏杆有点锈了", "楼顶彩钢板刮风时哐哐响",
    "台风要来了，阳台花盆要不要收", "树枝长到电线上了，建议修剪", "健身器材螺丝松了", "滑梯有个尖角容易划手",
    "隔壁两口子天天吵架", "邻居把鞋架放在过道里", "小区门口有人推销保险", "电动车电池被偷了", "自行车被偷了",
    "老人低保续办需要什么材料", "想给老人申请上门探访服务", "老人腿脚不好，有没有帮扶政策", "独居老人能申请什么补贴",
    "楼上装修太吵了", "楼上的孩子跑来跑去", "小区里有人放鞭炮", "隔壁装修油漆味太重", "垃圾站臭死了",
    "车库有辆车停了半年没动", "楼下的水沟有臭味", "楼道地砖翘起来了有点绊脚",
    "昨天楼下有辆车着火了，现在已经没事了，建议查查电动车", "上个月那场火灾以后，楼道还没清理干净",
    "之前电梯困过人，建议多检修", "去年有老人走丢过，建议装监控", "昨天的演习烟雾弹吓到孩子了",
    "我家孩子的玩具车冒烟了，坏了，哈哈", "孩子发烧了，去哪打疫苗", "楼道的烟感一直闪红灯，是不是没电了",
    "燃气灶打不着火", "热水器打不着火了", "燃气表没电了怎么换电池", "煤气罐去哪里换", "厨房抽油烟机坏了",
    "燃气灶点不着火，找谁来修", "煤气灶老是打不着", "燃气费交错户号了怎么办", "这个月燃气费怎么这么贵", "天然气改造什么时候轮到我们楼",
    "物业说下周三做消防演练，要不要参加", "消防演习的时候楼道里放了烟雾，别担心", "{s}的烟感报警器没电了，一直滴滴响",
    "烟雾报警器装歪了，能来看看吗", "烟感一直闪红灯", "能不能每层配一个灭火器", "灭火器上落满了灰，还能用吗",
    "要是半夜起火，我们楼的逃生通道在哪", "万一电梯关人了，打哪个电话", "假如有人晕倒了，社区有没有除颤仪",
    "如果燃气泄漏，先关阀门还是先开窗", "万一孩子走丢了怎么办，小区有广播吗", "一旦停电，楼道应急灯能亮多久",
    "上个月{s}着过一次火，现在没事了，就是墙还是黑的", "去年电梯困过人，后来修好了，现在还老晃", "之前有老人在这摔过，建议装个扶手",
    "前天楼下有人晕倒，已经送医院了，建议小区配个急救箱", "昨天闻到过一点煤气味，燃气公司来查过了说没事",
    "电梯上周关过人，修好了，还是不太放心", "电梯修好了，就是偶尔会晃一下", "电梯关门太快，差点夹到手",
    "楼上烧菜的油烟飘进我家", "对门天天在楼道抽烟，烟味很大", "楼下烧烤店烟太大，熏得不敢开窗", "有人在楼道里烧香，烟味呛人",
    "小区旁边工地在烧电焊，火花四溅，但是有围挡", "过年放烟花的垃圾没人扫", "孩子学校让交消防安全作业，社区有宣传册吗",
    "我家老人一个人住，能不能装个紧急呼叫器", "独居老人家里能不能装个烟感", "想给老人报名防跌倒讲座",
    "有只狗走丢了，谁家的", "邻居家的猫三天没回家了", "鹦鹉飞走了找不到了", "我的钥匙不见了，谁捡到了",
    "我家水管有点滴水，不急", "水表井里一直有点积水", "楼顶水箱有点漏，不是很严重", "天花板有一块发黄，好像渗水了",
    "老人腿脚不好，上下楼很费劲", "楼上老奶奶一个人住，挺孤单的", "我爸中风好几年了，想申请居家护理", "隔壁大爷有点老年痴呆，家里人白天都上班",
    "急死了，孩子的疫苗还没约上", "吓死我了，楼下突然放了一串鞭炮", "热死了，楼道里的风扇坏了", "冷死了，暖气一点不热",
]
N_EN = [
    "could we get smoke detectors {s}", "the fire extinguisher {s} looks expired", "when is the next fire drill?",
    "please repaint the fire lane markings", "if the gas ever leaks, which number should we ring?", "in case of fire where do we go?",
    "there's a dead bird {s}", "a dead rat has been by the bike shed for days", "haha the new sign by the gate nearly killed me, so funny",
    "someone smokes {s} and the smell drifts up", "the barbecue smoke from downstairs comes in", "lift broken again, no one stuck, just annoying to climb",
    "the lift is slow and jerky, please service it", "the smoke alarm battery is beeping, needs replacing", "I locked myself out, who has a locksmith number?",
    "the cat is stuck up a tree", "my dog is missing", "corridor lamp on my floor flickers", "a brownish damp mark on the bedroom ceiling",
    "the taps only trickle this morning", "the drain is blocked", "my delivery went missing from the doorstep", "the neighbours' dog howls every night",
    "the green exit sign over the stairs has gone dark", "e-bikes are charged in the corridor, it's a fire risk", "boxes are blocking the fire exit",
    "old wiring in our block worries me", "maybe volunteers could phone the older folks who live on their own when it gets very hot",
    "there was a small fire last week, it's out now but the stairs are still dirty", "the gas stove won't light",
    "how do I pay the gas bill?", "the kids in the playground scream all day", "my neighbour's music is killing me",
    "my gas bill is huge this month", "the gas company wants to inspect our meters, is that legit?", "what do we do if there's a gas leak at night?",
    "what should we do if someone gets stuck in the lift?", "where do we go if there's a fire?", "the smoke detector {s} is mounted crooked",
    "can we have a fire safety talk for the elderly", "could every floor get a fire extinguisher", "the fire drill was chaotic, nobody knew the route",
    "there was a small fire in the bin room last month, all fine now", "the lift trapped someone last week, it's fixed but I'm still nervous",
    "someone keeps smoking in the lift and the smell lingers", "the barbecue smoke from the restaurant comes into my flat",
    "the gas hob won't light, who fixes that?", "my cat has gone missing, has anyone seen a grey tabby?", "lost my keys somewhere near the gate",
    "my elderly neighbour lives alone and seems lonely", "my dad had a stroke years ago, can we get a home carer?",
    "the welding sparks at the building site look scary but it's fenced off", "in case of a blackout does the lift have a backup?",
    "a bit of water is pooling in the meter pit, not urgent", "killing me, the parcel locker is broken again",
]
N_SPOT = ["楼道里", "楼下", "单元门口", "车库", "每层楼", "电梯间", "小区里", "花坛边", "in the stairwell", "on each floor",
          "by the lift", "in the garage"]


# Things that fall over, break or get stuck with nobody hurt: the same verbs as an emergency, no one at risk.
N_OBJ = ["围挡", "共享单车", "垃圾桶", "广告牌", "隔离栏", "指示牌", "花盆", "晾衣架", "快递架", "自行车", "雪糕筒", "护栏",
         "路障", "宣传栏", "遮阳伞", "一棵小树"]
N_OBJ_STATE = ["倒了", "倒了一片", "被风吹倒了", "倒在路边", "倒了一地", "歪倒了", "翻倒了", "倒了好几天没人扶"]
N_OBJ_TAIL = ["", "挡着路", "，没人管", "，麻烦扶一下", "，走路不方便", "，好几天了", "，影响通行", "，挡住了车道"]
# "急死了", "笑死了": a figure of speech next to an everyday nuisance.
N_EMO = ["急死了", "笑死了", "热死了", "烦死了", "累死了", "气死了", "吵死了", "臭死了", "冷死了", "困死了", "急死人了", "愁死了"]
N_MUNDANE = ["快递一直没送到", "外卖一直没到", "网一直连不上", "车位又被占了", "电梯等了半天", "空调一直不制冷", "楼上一直在跺脚",
             "垃圾一直没人收", "热水一直不热", "水压一直上不去", "物业电话一直没人接", "驿站一直不开门", "门禁卡一直刷不开",
             "孩子一直在楼道里跑", "邻居家的狗一直叫", "楼下大爷把风筝挂树上了", "公告栏上的通知写错字了"]
N_SHORT = ["在不在", "有人在吗", "在吗在吗", "人呢", "你们在不在", "管事的在不在", "喂，在不在", "网格员在不在"]


# The same people and places as the emergencies, in calm situations: someone who needs looking after, a child on
# their own doing homework, an animal that is a nuisance. Without these the urgency head learns that "一个人",
# "小孩" or "老人" alone mean danger.
K_WHO = ["隔壁的独居老人", "楼上一个人住的大爷", "对门的老奶奶", "楼下一个人住的阿姨", "我家老人", "邻居家的小孩", "一个孤寡老人",
         "楼里的残疾大哥", "隔壁大爷", "我奶奶", "我爸", "楼上的空巢老人", "一个留守儿童", "502的老太太", "一楼的老两口"]
K_CALM = ["腿脚不方便，下楼很吃力", "一个人住，挺孤单的", "家里就他一个人，白天没人陪", "想申请助餐服务", "希望有志愿者定期去看看",
          "想办个老年卡", "耳朵有点背，打电话老听不清", "有点老年痴呆，家里人上班去了", "不会用智能手机，挂号很难",
          "中风好几年了，想申请上门护理", "冬天家里冷，想问问有没有取暖补贴", "一个人在家写作业，父母晚上才回来",
          "放学后没人接，在社区等家长", "买菜不方便，能不能有人帮忙带", "想找人陪着去医院复查", "行动不便，想申请一个轮椅",
          "最近心情不太好，想找人聊聊", "一个人吃饭总是凑合", "眼睛不好，看不清电费单", "家里的灯泡坏了自己换不了"]
K_ANIMAL = ["屋檐下有个马蜂窝越来越大", "楼道里有只野猫生了一窝小猫", "树上有个鸟窝，鸟屎掉一地", "小区里流浪狗越来越多",
            "楼下有条狗天天叫", "绿化带里好像有蛇洞", "阳台上有鸽子做窝", "楼道里有只死老鼠"]
# Everyday smells: a smell is a danger only when it is gas, burning or chemicals.
K_SMELL_SRC = ["楼下水沟里", "垃圾站那边", "下水道", "楼道里", "隔壁火锅店", "楼下饭店", "卫生间地漏", "车库", "单元门口", "电梯里",
               "隔壁装修的", "楼下烧烤摊", "化粪池", "对门家"]
K_SMELL = ["有股臭味", "一股馊味", "一股油烟味", "有股牛油火锅味", "一股油漆味", "有股霉味", "一股尿骚味", "一股烟熏味",
           "有股下水道的味道", "一股腥味", "有股怪味，像是什么东西坏了", "一股烂菜叶的味道", "有股甲醛味"]
K_SMELL_TAIL = ["", "，熏得不敢开窗", "，好几天了", "，夏天更严重", "，能不能处理一下", "，太难闻了", "，谁来管管"]
K_EN_WHO = ["the old lady next door", "my elderly neighbour", "the man upstairs who lives alone", "a kid in our block", "my grandad",
            "the disabled man on the ground floor", "an old couple downstairs"]
K_EN_CALM = ["could use some company", "needs help with shopping", "struggles with the stairs", "would like meals delivered",
             "is lonely and would love a visitor", "can't use a smartphone to book the doctor", "needs a lift to the clinic next week",
             "gets home from school before his parents", "is a bit forgetful these days", "wants to apply for a wheelchair"]


# Everyday English nuisances with the words English emergencies use ("people", "someone", "my son", "what", "school").
KE_SUBJ = ["people", "someone", "some people", "a neighbour", "the kids", "my son says people", "parents at the school",
           "what annoys me is people", "residents", "the guys downstairs", "visitors"]
KE_DO = [("keep parking on the pavement", "parking"), ("park across the school gate at pickup time", "parking"),
         ("leave bikes on the walkway", "parking"), ("dump bags of rubbish by the gate", "sanitation"),
         ("leave cigarette butts everywhere", "sanitation"), ("let their dogs foul the lawn", "pets"),
         ("walk big dogs without a lead", "pets"), ("play loud music late at night", "noise"),
         ("shout in the courtyard after midnight", "noise"), ("pick the flowers in the beds", "greenery"),
         ("stick flyers on every door", "sanitation"), ("store junk in the shared corridor", "dispute"),
         ("charge scooters in the hallway", "safety_hazard"), ("prop the fire door open", "safety_hazard"),
         ("break the lift buttons", "facilities"), ("leave the entrance door open", "facilities")]
KE_ASK = ["what can be done about it?", "what should we do?", "can someone talk to them?", "it's getting worse.", "every single day.", ""]


def calm_rows(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Calm reports about the people and animals emergencies are about: (text, category)."""
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.6:
            out.append((rng.choice(["", "", "你好，", "请问，", "麻烦问下，"]) + rng.choice(K_WHO) + rng.choice(K_CALM), "care"))
        elif r < 0.7:
            out.append((rng.choice(K_SMELL_SRC) + rng.choice(K_SMELL) + rng.choice(K_SMELL_TAIL), "sanitation"))
        elif r < 0.8:
            out.append((rng.choice(K_ANIMAL) + rng.choice(["", "，能不能处理一下", "，谁来管管", "，好几天了"]), "pets"))
        elif r < 0.88:
            do, cat = rng.choice(KE_DO)
            out.append((f"{rng.choice(KE_SUBJ)} {do}, {rng.choice(KE_ASK)}".strip(" ,"), cat))
        else:
            out.append((f"{rng.choice(K_EN_WHO)} {rng.choice(K_EN_CALM)}", "care"))
    return out


def _fill(tpl: str, rng: random.Random) -> str:
    return tpl.format(s=rng.choice(N_SPOT[:8] if any("\u4e00" <= c <= "\u9fff" for c in tpl) else N_SPOT[8:]))


def danger_zh(rng: random.Random) -> tuple[str, str]:
    """One composed emergency in Chinese and the category it belongs to (a fire is a safety hazard, a person down
    is care, a lift with people inside is facilities, a fight is public order)."""
    k = rng.randrange(17)
    cat = "safety_hazard"
    if k <= 2:
        src = rng.choice(Z_FIRE_SRC)
        core = rng.choice(Z_SPOT) + (("的" if rng.random() < 0.5 else "") + src if src else "") + rng.choice(Z_FIRE_STATE)
    elif k == 3:
        core = rng.choice(Z_SPOT) + rng.choice(["", "", "一直", "突然"]) + rng.choice(Z_GAS) + \
            (("，" + t) if (t := rng.choice(Z_GAS_TAIL)) else "")
    elif k <= 5:
        cat = "care"
        core = rng.choice(Z_WHO) + rng.choice(Z_WHERE) + rng.choice(Z_DOWN)
    elif k == 6:
        cat = "care"
        core = rng.choice(Z_ALONE) + rng.choice(Z_DAYS) + rng.choice(["", "都", "了都"]) + rng.choice(Z_UNSEEN)
        if rng.random() < 0.4:
            core += "，" + rng.choice(Z_UNSEEN)
    elif k == 7:
        cat = "care"
        note = rng.choice(Z_KIN_NOTE)
        core = rng.choice(Z_KIN) + (note + "，" if note else "") + rng.choice(Z_MISSING)
    elif k == 8:
        if rng.random() < 0.75:
            cat = "facilities"
            core = rng.choice(["电梯", "电梯", "升降梯", rng.choice(["4号楼", "二单元", "我们楼"]) + "的电梯"]) + \
                rng.choice(Z_LIFT_STUCK) + "，" + rng.choice(Z_LIFT_IN)
        else:
            cat = "care"
            core = rng.choice(Z_LOCKED)
    elif k == 9:
        cat = "water"
        core = rng.choice(["", "", "楼上漏水，", "下大雨，", "半夜", rng.choice(Z_SPOT)]) + rng.choice(Z_WATER)
    elif k == 10:
        core = rng.choice(["", "小区里", "路边", "大风过后", "门口"]) + rng.choice(Z_WIRE)
    elif k == 11:
        core = rng.choice(["", "12楼", "楼上", "对面楼"]) + rng.choice(Z_FALL_OBJ) + rng.choice(Z_FALL_STATE) + \
            (("，" + b) if (b := rng.choice(Z_BELOW + [""])) else "")
    elif k == 12:
        cat = "public_order"
        core = rng.choice(["", "", "现在", "楼下", "车库里", "隔壁"]) + rng.choice(Z_VIOLENT)
    elif k == 13:
        if rng.random() < 0.4:
            cat = "pets"
            core = rng.choice(Z_DOG)
        else:
            cat = "care"
            core = rng.choice(Z_MED)
    elif k == 14:
        cat = "care"
        core = rng.choice(Z_HEIGHT)
    else:
        cat, core = rng.choice(Z_MORE)
    return rng.choice(Z_OPEN) + core + rng.choice(Z_CLOSE), cat


def danger_en(rng: random.Random) -> tuple[str, str]:
    """One composed emergency in English and its category."""
    k = rng.randrange(8)
    cat = "care"
    if k <= 1:
        cat = "safety_hazard"
        core = f"{rng.choice(E_STATE)} {rng.choice(E_SPOT)}".strip()
    elif k == 2:
        core = f"{rng.choice(E_WHO)} {rng.choice(['', '', 'just ', 'suddenly '])}{rng.choice(E_DOWN)} {rng.choice(E_SPOT)}".strip()
    elif k == 3:
        core = rng.choice(E_UNSEEN).format(d=rng.choice(["three days", "days", "a week", "since Monday", "four days"]),
                                           r=rng.choice(["502", "flat 3", "the ground floor"]))
    elif k == 4:
        core = rng.choice(E_MISSING).format(k=rng.choice(["son", "daughter", "little boy", "grandad", "granny", "mum"]),
                                            p=rng.choice(["him", "her"]))
    elif k == 5:
        cat, core = rng.choice(E_TRAP)
        core = core.format(w=rng.choice(["my mum", "an old lady", "two kids", "someone", "my son", "a neighbour"]))
    elif k == 6:
        cat, core = "water", rng.choice(E_WATER)
    else:
        cat, core = rng.choice(E_OTHER)
    core = rng.choice(E_OPEN) + core + rng.choice(E_CLOSE)
    return (core[0].upper() + core[1:] if rng.random() < 0.5 else core), cat


def safe_texts(rng: random.Random, n: int) -> list[str]:
    out = [rng.choice(["", "", "楼下", "小区门口", "路口", "单元门口", "停车场"]) + rng.choice(N_OBJ) + rng.choice(N_OBJ_STATE)
           + rng.choice(N_OBJ_TAIL) for _ in range(n // 6)]
    out += [(f"{rng.choice(N_EMO)}，{rng.choice(N_MUNDANE)}" if rng.random() < 0.5 else f"{rng.choice(N_MUNDANE)}，{rng.choice(N_EMO)}")
            for _ in range(n // 8)]
    for _ in range(n):
        t = _fill(rng.choice(N_ZH if rng.random() < 0.72 else N_EN), rng)
        if rng.random() < 0.3:
            t = rng.choice(["你好，", "请问", "网格员，", "", "hi, "]) + t if rng.random() < 0.5 else t + rng.choice(["", "，谢谢", "。", "?", "！", " thanks"])
        out.append(t)
    return out


# ---- intents often mistaken for reports ----------------------------------------------------------------------------
# Volunteer claims without the word 积分: a service done for others, and often how long it took.
C_WHEN = ["", "", "今天", "昨天", "上午", "下午", "今早", "昨天下午", "周六", "上周日", "前天", "刚才", "早上", "晚上",
          "周末", "今天上午", "上个周末"]
C_PLACE = ["", "", "去敬老院", "在社区", "在小区门口", "去养老院", "在活动中心", "在疫苗接种点", "在核酸点", "在菜市场",
           "去福利院", "在社区食堂", "在图书室", "在网格站", "在小学门口", "在广场上", "在卫生服务站", "去独居老人家里",
           "在快递站", "在河边", "在垃圾站"]
C_ACT = ["陪老人聊天", "帮忙登记", "测体温", "维持秩序", "给老人剪头发", "帮忙打饭", "教老人用手机", "整理图书",
         "做垃圾分类引导", "发放物资", "帮独居大爷买菜", "给老人送饭", "捡垃圾", "清理小广告", "辅导孩子功课",
         "帮忙搬东西", "量血压", "巡逻", "打扫楼道", "做交通劝导", "帮忙布置会场", "贴通知", "导诊", "拍活动照片",
         "做护学岗", "读报给老人听", "陪老人看病", "帮残疾人办事", "包饺子送老人", "表演节目", "帮忙分发防疫物资",
         "清扫落叶", "帮老人填表", "入户走访", "帮忙登记疫苗信息", "拔草", "给孤寡老人打扫房间", "站岗执勤"]
C_VERB_DONE = ["了", "了", "", "过了"]
C_DUR = ["一个多钟头", "两个钟头", "一个半钟头", "三个钟", "四十分钟", "一刻钟", "两小时十五分", "半个钟头", "一个小时",
         "两个半小时", "90分钟", "1.5h", "2小时", "三小时半", "四十五分钟", "一个钟", "两个多钟", "二十分钟",
         "七点半到九点", "下午两点到四点半", "两点到五点", "9点到11点", "一小时二十分钟", "两个钟头零十分", "3h"]
C_FRAMES = ["{w}{p}{a}{d}", "{w}{p}{a}{v}{d}", "{w}{p}{a}{v}，{d}", "{w}{p}{a}，干了{d}", "{w}{p}{a}，弄了{d}",
            "{w}{p}{a}，花了{d}", "{w}{d}{p}{a}", "{p}{a}{d}", "{w}{p}{a}{v}", "{w}{p}帮忙{a}{v}{d}", "我{w}{p}{a}{v}{d}",
            "{w}跟着网格员{a}{d}", "{w}和邻居一起{a}{v}", "{w}{p}{a}，大概{d}", "{w}{p}{a}，一共{d}"]
CE_ACT = ["helped at the vaccination point", "visited an elderly neighbour", "sorted donations", "ran the reading corner",
          "handed out flyers", "did litter picking by the river", "taught a phone class for seniors", "walked the patrol route",
          "helped at the food bank", "cleaned graffiti", "helped at the blood drive", "delivered meals to older residents",
          "helped seniors fill in forms", "volunteered at the polling station", "did a shift at the community kitchen",
          "carried groceries for an old man", "helped with the clean-up", "marshalled traffic at the school gate"]
CE_DUR = ["3 hours", "an hour and a half", "half an hour", "45 minutes", "90 mins", "2 hrs", "1.5h", "twenty minutes",
          "from 9 to 11:30", "from 2pm to 5pm", "8:30 to 11:00", "7am-10am", "a couple of hours", "four hours"]
CE_WHEN = ["", "this morning", "yesterday", "on Saturday", "last night", "this afternoon", "today"]
CE_FRAMES = ["{a} {w}, {d}", "{a} {w} for {d}", "{w} I {a} for {d}", "{d} {w}: {a}", "I {a} {w}", "{a} {d} {w}",
             "{a} {w}", "spent {d} {w} helping out, {a}"]
HELP_ZH = ["怎么{v}", "怎么{v}啊", "请问怎么{v}", "我想{v}，该怎么操作", "在哪里{v}", "{v}要怎么弄", "想{v}，不知道怎么弄",
           "这个机器人都管些啥", "这个能做什么", "你能帮我干啥", "这个号是干什么用的", "这玩意儿干啥的", "有什么功能啊",
           "头一回用，教教我", "我不太会用这个", "刚搬来的，这个号怎么用", "小姐姐好", "哈啰", "嗨，有人吗", "请问这里是社区的服务号吗",
           "能不能直接说话不打字", "可以发图片吗", "能不能打字说", "找谁说事情", "有事找谁", "我该找谁反映", "请问找网格员怎么找",
           "我归哪个网格员管", "怎么申请积分", "积分怎么申请", "志愿时长怎么报", "怎么查我报过的事"]
HELP_V = ["反映问题", "报修", "投诉", "提意见", "发照片给你们", "上报情况", "提交诉求", "报事", "举报", "联系网格员",
          "用这个", "登记志愿服务", "报名志愿者", "改地址", "绑定房号"]
HELP_EN = ["how do I {v}?", "how can I {v}", "where do I {v}", "what can this bot do?", "what sort of things can I tell you about?",
           "explain what you do please", "how does this work?", "just moved in, how does this thing work", "who should I tell if something is wrong",
           "what is this for", "how am I meant to use you", "is there a way to {v}", "can I send photos?", "what happens when I report something"]
HELP_EN_V = ["report something", "report a problem", "send a complaint", "claim volunteer hours", "log my hours", "contact my grid worker",
             "check my case", "change my address", "send a photo", "make a suggestion"]
STATUS_EXTRA = ["我{t}说的{x}那个事，有人去看了吗", "{t}反映的{x}，现在怎么样了", "我那个{x}的投诉到底有没有人处理",
                "{t}报的{x}，还没人来", "{t}报修的{x}修了吗", "我报的{x}咋还没动静", "我提的那个单子办了没有",
                "我反映的{x}怎么一直没回音", "{t}说的{x}有消息没", "any news on the {xe} I told you about?",
                "did anyone follow up on my {xe} complaint", "what happened with the {xe} report I sent", "I reported the {xe} {te}, is someone coming?"]
POINTS_EXTRA = ["攒的分能不能换{g}", "积分商城都上了什么新东西", "拿分数兑{g}行不行", "手里的分可以兑点啥", "我想看看自己有几分", "还差多少分能换{g}",
                "{t}的积分怎么还没到账", "志愿时长换了多少分", "积分可以转给家人吗", "兑换的{g}在哪领",
                "points check please", "what rewards are there for points", "can I use my points for {ge}", "how much have I earned so far in points"]
REPORT_DUR = ["停水{d}了还没来水", "停电{d}了", "电梯坏了{d}了", "楼上装修吵了{d}", "狗叫了{d}了", "等了{d}垃圾车也没来",
              "楼下音响响了{d}", "门口的车堵了{d}了", "路灯灭了{d}了", "the street light has been off for {de}",
              "the plumber was due {de} ago and still no sign", "the music has been going for {de}", "no water for {de} now",
              "隔壁从早上七点一直敲到中午", "晚上八点到十一点楼下KTV一直吵", "夜里一点到三点楼下一直有人喝酒唱歌",
              "养老院旁边的路灯不亮", "社区活动室的风扇坏了", "志愿者之家的窗户关不上", "社区食堂的水龙头漏水",
              "the lights at the community centre are broken", "the volunteer office door is jammed"]
R_DUR_ZH = ["三个小时", "两个多小时", "一个多小时", "半小时", "四十分钟", "一整天", "两天", "一上午"]
R_DUR_EN = ["3 hours", "two hours", "45 minutes", "half an hour", "all morning"]
THINGS_ZH = ["楼道灯", "漏水", "噪音", "下水道", "井盖", "电梯", "垃圾", "路灯", "停车"]
THINGS_EN = ["broken lift", "leak", "noise", "blocked drain", "street light"]
WHEN_T = ["前天", "上次", "上周", "三天前", "之前", "昨天"]


C_WHO = ["楼下的残疾大姐", "独居的大爷", "孤寡老人", "隔壁老奶奶", "行动不便的老人", "楼上的空巢老人", "对门的李阿姨",
         "社区里的低保户", "留守儿童", "一位盲人", "八十多岁的王爷爷", "刚出院的邻居"]
C_ERRAND = ["买菜", "去银行办事", "送饭", "过了个生日", "打扫房间", "取药", "理发", "读报", "换灯泡", "跑腿交电费",
            "洗衣服", "陪着去医院", "搬了煤气罐", "修好了水龙头", "辅导作业", "挂号看病", "收拾屋子", "包了顿饺子"]
C_DO = ["{w}帮{o}{e}了", "{w}去给{o}{e}", "{w}陪{o}{e}", "{w}帮{o}{e}，{d}", "{w}给{o}{e}，忙了{d}", "{w}去{o}家里帮忙{e}",
        "{w}帮{o}{e}，花了{d}", "{w}和志愿队一起给{o}{e}", "{w}上门帮{o}{e}，{d}"]
CE_WHO = ["the old lady on the 6th floor", "a lonely neighbour", "the blind man downstairs", "an elderly couple", "a neighbour just out of hospital"]
CE_ERR = ["did her shopping", "picked up medicine", "cleaned the flat", "cooked dinner", "took them to the clinic", "fixed a tap",
          "helped with paperwork", "changed light bulbs", "walked the dog", "read the paper aloud"]
CE_DO = ["went to visit {o} and {e}", "visited {o} {w} and {e}", "helped {o}: {e}, {d}", "{w} I {e} for {o}", "spent {d} with {o}, {e}"]
HELP_MORE = ["{t}好", "{t}你好", "{t}在吗", "第一次{x}，{y}", "可以发{m}吗", "能发{m}给你吗", "能不能用{m}", "请问可以{m}吗",
             "我不会打字，能{m}吗", "请问这里能{z}吗", "在这里可以{z}吗"]
HELP_MORE_EN = ["who do I {c} about {q}", "who should I {c} about {q}", "can I send {me}?", "is it ok to send {me}",
                "first time here, {y2}", "hello there, {y2}", "where do I go to {v}"]
REPORT_LAST = ["{w}停电了{d}", "{w}停水了{d}", "{w}电梯停了{d}", "{w}楼上吵了{d}", "{w}断网了{d}", "{w}水龙头没水{d}了",
               "{w}门口堵车堵了{d}", "the power was out for {de} {we}", "the lift was down for {de} {we}", "{we} the water was off for {de}"]


def extra_intent_rows(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    for _ in range(900):
        t = rng.choice(C_DO).format(w=rng.choice(C_WHEN), o=rng.choice(C_WHO), e=rng.choice(C_ERRAND), d=rng.choice(C_DUR))
        rows.append({"text": t, "intent": "volunteer_claim"})
    for _ in range(300):
        t = rng.choice(CE_DO).format(o=rng.choice(CE_WHO), e=rng.choice(CE_ERR), w=rng.choice(CE_WHEN), d=rng.choice(CE_DUR))
        rows.append({"text": " ".join(t.split()), "intent": "volunteer_claim"})
    for _ in range(500):
        if rng.random() < 0.7:
            t = rng.choice(HELP_MORE).format(t=rng.choice(["小哥", "小姐姐", "师傅", "同志", "老师", "网格员", "管家", "客服", "工作人员"]),
                                             x=rng.choice(["用", "来", "使用", "进群"]), y=rng.choice(["不太会", "不懂怎么弄", "请教一下", "怎么操作"]),
                                             m=rng.choice(["语音", "图片", "照片", "视频", "定位", "打电话"]),
                                             z=rng.choice(["打电话", "发视频", "发定位", "用繁体字", "说方言"]))
        else:
            t = rng.choice(HELP_MORE_EN).format(c=rng.choice(["talk to", "speak to", "contact", "ask"]),
                                                q=rng.choice(["a problem", "an issue", "something in my building", "my estate"]),
                                                me=rng.choice(["voice messages", "pictures", "a video", "my location"]),
                                                y2=rng.choice(["how does this work?", "what can I do here?", "not sure how to use it"]),
                                                v=rng.choice(["make a complaint", "ask a question", "get help"]))
        rows.append({"text": t, "intent": "help"})
    for _ in range(150):
        rows.append({"text": rng.choice(["", "嗨，", "你好，", "喂，"]) + rng.choice(N_SHORT), "intent": "help"})
    for _ in range(1500):
        t = rng.choice(C_FRAMES).format(w=rng.choice(C_WHEN), p=rng.choice(C_PLACE), a=rng.choice(C_ACT),
                                        v=rng.choice(C_VERB_DONE), d=rng.choice(C_DUR))
        rows.append({"text": t, "intent": "volunteer_claim"})
    for _ in range(600):
        t = rng.choice(CE_FRAMES).format(a=rng.choice(CE_ACT), w=rng.choice(CE_WHEN), d=rng.choice(CE_DUR))
        rows.append({"text": " ".join(t.replace(" ,", ",").split()), "intent": "volunteer_claim"})
    for _ in range(600):
        t = rng.choice(HELP_ZH).format(v=rng.choice(HELP_V)) if rng.random() < 0.7 else \
            rng.choice(HELP_EN).format(v=rng.choice(HELP_EN_V))
        rows.append({"text": t, "intent": "help"})
    for _ in range(300):
        t = rng.choice(STATUS_EXTRA).format(t=rng.choice(WHEN_T), x=rng.choice(THINGS_ZH), xe=rng.choice(THINGS_EN),
                                            te=rng.choice(["last week", "on Monday", "days ago"]))
        rows.append({"text": t, "intent": "status_query"})
    for _ in range(300):
        t = rng.choice(POINTS_EXTRA).format(g=rng.choice(["一桶油", "米", "购物卡", "洗衣液"]), t=rng.choice(["上周", "昨天", "上个月"]),
                                            ge=rng.choice(["groceries", "rice", "a voucher"]))
        rows.append({"text": t, "intent": "points"})
    return rows


def report_duration_rows(rng: random.Random) -> list[str]:
    """Reports that state how long a problem has lasted: a duration alone is no volunteer claim."""
    out = [rng.choice(REPORT_DUR).format(d=rng.choice(R_DUR_ZH), de=rng.choice(R_DUR_EN)) for _ in range(500)]
    out += [rng.choice(REPORT_LAST).format(w=rng.choice(C_WHEN), d=rng.choice(R_DUR_ZH), de=rng.choice(R_DUR_EN),
                                          we=rng.choice(CE_WHEN)).strip() for _ in range(400)]
    return out
