"""Synthetic but realistic names: common surnames are frequent, the long tail is long (as in a
real customer base), so a name search has the selectivity it has in production."""

from __future__ import annotations

FIRST = (
    "Anna Maria Sofia Emma Lena Julia Laura Sara Eva Nina Clara Paula Ida Marta Olga Irina Elena Ana "
    "Lucia Chiara Giulia Ines Camille Chloe Manon Zoe Amelie Hannah Lea Mia Noemi Alice Agnieszka "
    "Katarzyna Ewa Jana Petra Zuzana Aisha Fatima Leila Yasmin Mei Yuki Priya Ana Beatriz Mariana "
    "Lukas Jonas Felix Paul Leon Noah Elias Max Tom Jan Piotr Tomasz Pavel Ivan Dmitri Marco Luca "
    "Matteo Giovanni Pierre Louis Hugo Jules Antoine Carlos Diego Pablo Javier Miguel Joao Pedro "
    "Ahmed Omar Yusuf Ali Hassan Mehmet Emre Kenji Hiroshi Raj Arjun Wei Chen David Daniel Samuel "
    "James John Michael William Oliver Jack Harry George Thomas Robert Stefan Andreas Nikolai Erik"
).split()
COMMON_LAST = (
    "Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Smith Jones Brown "
    "Taylor Wilson Martin Bernard Dubois Durand Lefebvre Rossi Russo Ferrari Esposito Garcia "
    "Fernandez Gonzalez Rodriguez Lopez Silva Santos Nowak Kowalski Wisniewski Novak Horvat Ivanov "
    "Petrov Yilmaz Kaya Demir Nguyen Tran Kim Lee Park Wang Li Zhang Singh Kumar Sharma Cohen Levi"
).split()
_STARTS = (
    "Ab Ad Al Am An Ar Ba Be Bi Bo Br Ca Ch Co Da De Di Do Dr Ed El Fa Fe Fi Fo Fr Ga Ge Gi Go Gr Ha He "
    "Hi Ho Hu Ja Je Jo Ka Ke Ki Ko Kr La Le Li Lo Lu Ma Me Mi Mo Mu Na Ne Ni No Pa Pe Pi Po Pr Ra Re Ri "
    "Ro Ru Sa Se Si So St Ta Te Ti To Tr Va Ve Vi Vo Wa We Wi Za Ze Zi"
).split()
_MIDDLES = "b d g k l m n r s t v z ck ll nd rt st tt".split()
_ENDS = (
    "mann berg stein ovic escu ski sen son ez ini elli ov ova ing ard ier eau ard ani oglu ter ner hofer "
    "wicz czyk anto ello oni ista ides opoulos aki ens ema ijn"
).split()
# The long tail: about 90 x 17 x 38 = 58,000 distinct surnames (some read oddly: that is fine).
LONG_TAIL = tuple(f"{s}{m}{e}" for s in _STARTS for m in _MIDDLES for e in _ENDS)
COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "NL", "AT", "BE", "PT", "CZ", "GB", "US", "TR", "RO", "SE", "UA")
# A surname of the long tail that the bench searches for; ~1 identity in 60,000 carries it.
SEARCH_NAME = LONG_TAIL[len(LONG_TAIL) // 3]


def person(k: int) -> tuple[str, str]:
    """Identity ``k``'s first and last name: the same k always gives the same person."""
    h = (k * 2654435761) & 0xFFFFFFFF
    first = FIRST[h % len(FIRST)]
    if (h >> 8) % 10 < 3:  # three people in ten carry one of the common surnames
        return first, COMMON_LAST[(h >> 12) % len(COMMON_LAST)]
    return first, LONG_TAIL[((h >> 12) * 7 + k) % len(LONG_TAIL)]


# One of the common surnames (about 4,400 people at 1,000,000 sessions): the search's worst case.
COMMON_SEARCH = "Kowalski"
