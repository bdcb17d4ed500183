from app.core.lru import ByteLRU


def test_lru_keeps_the_recently_used_within_its_byte_budget():
    cache = ByteLRU(1, "test")  # 1 MiB
    third = b"x" * (1024 * 1024 // 3)
    for key in ("a", "b", "c"):
        cache.put(key, third)
    assert cache.get("a") == third  # "a" is now the most recently used
    cache.put("d", third)  # over budget: the least recently used ("b") goes
    assert cache.get("b") is None and cache.get("a") == third and cache.get("d") == third
    cache.put("big", b"x" * (2 * 1024 * 1024))  # larger than the whole budget: not kept
    assert cache.get("big") is None and len(cache) == 3


def test_a_zero_budget_keeps_nothing():
    cache = ByteLRU(0, "test")
    cache.put("a", b"tile")
    assert cache.get("a") is None
