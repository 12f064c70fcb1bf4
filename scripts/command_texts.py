"""The words of the voice-command benchmark (scripts/command_set.py): whole
sentences and short everyday phrases said between the commands, per split."""

from __future__ import annotations

__all__ = ["SENTENCES", "SENTENCES_KO", "SHORT", "SHORT_KO"]

from command_fresh6 import SENTENCES_FRESH6, SHORT_FRESH6
from command_short import SHORT

SENTENCES = {
    "tune": (
        "I went to the shop this morning and bought some bread",
        "the weather is supposed to get better later in the week",
        "can you tell me what time the train leaves tomorrow",
        "we should paint the kitchen before the summer starts",
        "the children played football in the park all afternoon",
        "there is a meeting at ten about the budget",
        "the bus was late again so I walked to the station",
        "could you pass me the newspaper from the kitchen table",
    ),
    "held-out": (
        "my sister called last night to talk about her new job",
        "he left his keys on the table next to the door",
        "please remember to water the plants while I am away",
        "that film was much longer than I expected it to be",
        "she takes the dog for a walk every evening",
        "our neighbour is building a fence between the gardens",
        "you can go back to sleep if you are still tired",
        "I need to stop at the bank on the way home",
        # Added later, unseen by any tuning, for more minutes of chatter to
        # count false accepts on.
        "the doctor said my face is getting a little stronger",
        "we are going to visit my brother at the weekend",
        "can you turn the radio down a bit please",
        "I forgot to buy milk when I was at the shop",
    ),
    # Written before any result of this split was seen.
    "fresh": (
        "the postman brought a parcel for the neighbours this morning",
        "I think we should have pasta for dinner tonight",
        "my grandson is learning to ride his bike",
        "the library closes early on a Saturday",
        "she painted the bedroom a pale shade of green",
        "we watched a documentary about whales last night",
        "the car needs new tyres before the winter",
        "remind me to phone the dentist on Monday",
        "the tomatoes in the greenhouse are nearly ripe",
        "it took ages to find a parking space in town",
        "they are repairing the road outside the school",
        "I would like a cup of tea with a little milk",
    ),
    # fresh2: written on 2026-11-30 before any result of it was seen (held out
    # from the fourth round's tuning, which looked at tune and fresh).
    "fresh2": (
        "the plumber is coming round on Thursday to fix the boiler",
        "my daughter sent a photo of the baby this afternoon",
        "we ought to clear out the garage before the spring",
        "the soup needs a little more salt and pepper",
        "I left my umbrella on the train again",
        "the hospital car park was completely full",
        "he has been reading the same book for a month",
        "the clocks go back at the end of October",
        "could you fetch the washing in before it rains",
        "next door have got a new puppy that barks all night",
        "the kettle takes a long time to boil these days",
        "she says the physio helped her smile a bit more",
    ),
    # fresh3: written on 2026-11-30 at the start of the fifth round, before
    # any result of it was seen (held out from that round's tuning).
    "fresh3": (
        "the gardener continues to trim the hedge every other week",
        "we stopped for lunch at a little pub by the river",
        "the recipe says to repeat the folding three times",
        "my neighbour helped me carry the shopping upstairs",
        "the museum is closed on Tuesdays for cleaning",
        "he walked backwards up the hill to stay out of the wind",
        "the pharmacist gave me a leaflet about the tablets",
        "our cat sleeps on the windowsill most of the day",
        "the previous owner left a piano in the front room",
        "the choir practises in the church hall on Wednesday",
        "grandad tells the same story every Christmas",
        "the wind blew the fence over in the night",
    ),
    # fresh4: written on 2026-11-30 at the start of the sixth round, before
    # any result of it was seen (held out from that round's tuning).
    "fresh4": (
        "the postman stopped to chat about the weather",
        "she repeated the instructions twice to be sure",
        "the library resumed its opening hours last month",
        "my brother helps out at the food bank on Fridays",
        "the bus was delayed by roadworks near the station",
        "we planted tulips along the path in the autumn",
        "the nurse paused before she took my blood pressure",
        "the next train to town leaves at ten past nine",
        "he backed the car slowly into the narrow garage",
        "the programme continues after the news at six",
        "my granddaughter is learning to play the violin",
        "the shop on the corner sells fresh bread every morning",
    ),
    # fresh5: written on 2026-11-30 in the sixth round, after fresh4's one
    # run and before any change it led to (held out from that round).
    "fresh5": (
        "the plumber is coming back on Thursday to finish the job",
        "she kept repeating that the cake needed more sugar",
        "the concert was paused for ten minutes when the lights failed",
        "we continued along the coast until the road ran out",
        "my sister helped herself to the last of the biscuits",
        "the match resumed after a short shower of rain",
        "next door's dog barks whenever the postman comes",
        "he stopped smoking twenty years ago and never looked back",
        "the doctor wants to see me again in six weeks",
        "the allotment needs weeding before the frost comes",
        "they rewound the video to watch the goal again",
        "the cafe by the harbour does a lovely crab sandwich",
    ),
}
# fresh6 (seventh round) is in command_fresh6.py, beside its voices.
SENTENCES["fresh6"] = SENTENCES_FRESH6
SHORT["fresh6"] = SHORT_FRESH6

SENTENCES_KO = {
    "tune": (
        "오늘 날씨가 정말 좋네요",
        "저녁에 뭐 먹을까",
        "내일 회사에 가야 해요",
        "어제 시장에서 사과를 샀어요",
        "동생이 다음 달에 결혼해요",
        "주말에는 집에서 쉬고 싶어요",
        "이 책은 정말 재미있어요",
        "아이들이 공원에서 놀고 있어요",
    ),
    "held-out": (
        "주말에 친구를 만나기로 했어요",
        "커피 한 잔 마실래요",
        "버스가 조금 늦게 왔어요",
        "할머니 댁에 가려면 기차를 타야 해요",
        "오늘 저녁은 김치찌개를 먹을 거예요",
        "병원 예약을 내일로 바꿨어요",
        "창문 좀 닫아 주실래요",
        "요즘 운동을 조금씩 하고 있어요",
    ),
}
SHORT_KO = {
    "tune": (
        "안녕하세요",
        "고마워요",
        "괜찮아요",
        "좋아요",
        "밥 먹었어요",
        "어서 오세요",
        "배고파요",
        "진짜요",
        "알았어",
        "그렇구나",
        "재미있네요",
        "피곤해요",
        "비가 와요",
        "어디 가요",
        "맛있겠다",
        "보고 싶어",
        "잘 지냈어요",
        "축하해요",
    ),
    "held-out": (
        "네 알겠어요",
        "아니요",
        "잘 자요",
        "맛있어요",
        "수고하셨습니다",
        "괜찮아",
        "몰라요",
        "왜요",
        "너무 좋아요",
        "일어났어요",
        "전화 왔어요",
        "늦었어요",
        "조심해",
        "춥다",
        "물 좀 줘",
        "어머나",
        "그래요",
        "미안해요",
    ),
}
