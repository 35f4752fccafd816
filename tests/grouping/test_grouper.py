from bot.grouping import Grouper, GroupMessage


def msg(i: int, ts: float, user: str | None, text: str, **kw: object) -> GroupMessage:
    return GroupMessage(id=f"m{i}", ts=ts, user=user, text=text, **kw)  # type: ignore[arg-type]


def test_explicit_thread_reply_wins_over_the_model() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "alice", "how do I mount a usb disk?"))
    g.add(msg(2, 5, "bob", "anyone know why grub fails after the upgrade?"))
    # text addresses alice, but the platform says it is a reply in bob's thread
    assert g.add(msg(3, 9, "carol", "alice: use mount", thread_parent="m2")) == "m2"


def test_join_lines_stand_alone() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "alice", "how do I mount a usb disk?"))
    assert g.add(msg(2, None, None, "bob [~bob@host] has joined #ubuntu")) == "m2"  # type: ignore[arg-type]


def test_addressed_answer_links_to_the_asker_across_other_talk() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "alice", "how do I mount an ntfs partition read-write?"))
    g.add(msg(2, 20, "bob", "my wifi card drops every few minutes on 8.04, any idea?"))
    g.add(msg(3, 40, "dave", "bob: which chipset is it?"))
    assert g.add(msg(4, 60, "carol", "alice: install ntfs-3g and remount the partition")) == "m1"
    assert g.add(msg(5, 80, "bob", "dave: an intel 3945")) == "m3"


def test_a_newcomer_greeting_after_a_long_silence_starts_a_conversation() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "alice", "how do I mount an ntfs partition read-write?"))
    g.add(msg(2, 30, "carol", "alice: install ntfs-3g"))
    g.add(msg(3, 60, "alice", "carol: thanks, that worked"))
    assert (
        g.add(msg(4, 3000, "erin", "hi all, is there a way to make firefox use less memory?"))
        == "m4"
    )


def test_staff_answer_posted_top_level_goes_to_the_open_question() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "cust1", "Is the payouts API rate limited per account?", is_staff=False))
    g.add(msg(2, 600, "cust2", "Thanks for the help yesterday everyone", is_staff=False))
    d = g.decide(msg(3, 1200, "staff", "Yes, 100 requests per second per key", is_staff=True))
    assert d.parent in {"m1"}, d


def test_customer_follow_up_does_not_open_a_second_question() -> None:
    g = Grouper.load()
    g.add(msg(1, 0, "cust1", "Our webhook endpoint gets 400 errors since Monday", is_staff=False))
    d = g.decide(
        msg(2, 900, "cust1", "Also, is there a sandbox for testing refunds?", is_staff=False)
    )
    assert d.parent == "m1"
    assert d.reason in {"model", "customer-follow-up"}


def test_memory_stays_bounded_over_a_long_channel() -> None:
    g = Grouper.load(window=20)
    for i in range(3000):
        user = f"user{i % 37}"
        g.add(msg(i, float(i * 7), user, f"user{(i * 5) % 37}: try package{i % 11} then reboot?"))
        if i % 9 == 0:
            g.add(msg(100000 + i, None, None, f"nick{i} [~x@y] has joined #chan"))  # type: ignore[arg-type]
    assert len(g._spoken) <= 20
    assert len(g._joined) <= 20
    assert len(g._roots) <= 20
    assert len(g._convs) <= 20
    assert len(g._staff) <= 20


def test_parent_is_always_an_earlier_message_or_itself() -> None:
    g = Grouper.load(window=10)
    seen: set[str] = set()
    for i in range(200):
        m = msg(i, float(i), f"u{i % 5}", f"u{(i + 1) % 5}: word{i % 7} ok?")
        p = g.add(m)
        assert p == m.id or p in seen
        seen.add(m.id)
