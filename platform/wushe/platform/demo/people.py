"""Synthetic people: names, valid-looking ID numbers and phones, from a seeded RNG."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

__all__ = ["fake_address", "fake_id_number", "fake_name", "fake_phone"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平"
    "刚桂英华建国志强晓燕海燕玉兰淑珍丹阳思雨子涵"
    "梓萱浩然宇轩欣怡一诺佳怡"
)
STREETS = ("东街", "南后街", "杨桥路", "五一北路", "湖东路", "温泉支路", "鼓屏路", "北大路",
           "乌山路")
# GB 11643 checksum weights and characters.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def fake_name(rng: random.Random) -> str:
    """A plausible Chinese name of two or three characters."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def fake_id_number(rng: random.Random, area: str = "350102") -> str:
    """An 18-digit resident ID number with a correct check character."""
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def fake_phone(rng: random.Random) -> str:
    """A mainland mobile number."""
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def fake_address(rng: random.Random) -> str:
    """A street address in Gulou district, Fuzhou."""
    return f"福州市鼓楼区{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋"
