"""Buttons that run on the event loop are served in the order their requests arrived
(addin/excel/turns.py), whatever order the event loop wakes them in."""

from __future__ import annotations

import asyncio

from addin.excel.turns import ArrivalOrder


def test_requests_ready_together_run_oldest_first():
    async def main():
        order, ran = ArrivalOrder(), []
        tickets = [order.ticket() for _ in range(5)]  # arrived 0, 1, 2, 3, 4

        async def request(ticket):
            async with order.turn(ticket):
                ran.append(ticket)

        # ready in another order: the loop starts them 3, 1, 4, 0, 2
        await asyncio.gather(*(request(tickets[i]) for i in (3, 1, 4, 0, 2)))
        return ran

    assert asyncio.run(main()) == [0, 1, 2, 3, 4]


def test_one_at_a_time_even_when_the_work_awaits():
    async def main():
        order, inside, most = ArrivalOrder(), 0, 0

        async def request(ticket):
            nonlocal inside, most
            async with order.turn(ticket):
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.001)
                inside -= 1

        await asyncio.gather(*(request(order.ticket()) for _ in range(6)))
        return most

    assert asyncio.run(main()) == 1


def test_a_request_that_gives_up_waiting_is_skipped_and_the_next_one_runs():
    async def main():
        order, ran = ArrivalOrder(), []
        first, gone, last = order.ticket(), order.ticket(), order.ticket()
        release = asyncio.Event()

        async def request(ticket, hold=False):
            async with order.turn(ticket):
                ran.append(ticket)
                if hold:
                    await release.wait()

        holder = asyncio.create_task(request(first, hold=True))
        waiting = asyncio.create_task(request(gone))
        after = asyncio.create_task(request(last))
        await asyncio.sleep(0.01)
        waiting.cancel()
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, after), 5)
        assert waiting.cancelled()
        return ran

    assert asyncio.run(main()) == [0, 2]


def test_a_turn_given_and_then_cancelled_is_passed_on():
    async def main():
        order, ran = ArrivalOrder(), []
        a, b = order.ticket(), order.ticket()

        async def request(ticket):
            async with order.turn(ticket):
                ran.append(ticket)

        first = asyncio.create_task(request(a))
        first.cancel()  # before it ran at all: it never asks for its turn
        second = asyncio.create_task(request(b))
        await asyncio.sleep(0)  # second asks; the dispatch is due on the next pass
        second_turn = order._waiting[0][1]
        await asyncio.sleep(0)  # dispatched: second is given the turn...
        assert second_turn.done()
        second.cancel()  # ...and cancelled before it could use it
        third = asyncio.create_task(request(order.ticket()))
        await asyncio.wait_for(third, 5)
        return ran, second.cancelled()

    assert asyncio.run(main()) == ([2], True)


def test_buttons_on_the_event_loop_wait_their_turn_and_those_in_a_thread_do_not(
        client, monkeypatch):
    import openpyxl

    from addin.excel import webapp

    from .conftest import EXAMPLE
    from .test_server import post

    asked = []

    class Recording(ArrivalOrder):
        def turn(self, ticket):
            asked.append(ticket)
            return super().turn(ticket)

    monkeypatch.setattr(webapp, "ARRIVALS", Recording())
    example = openpyxl.load_workbook(EXAMPLE)
    assert post(client, "kontrollera", example).status_code == 200
    assert post(client, "sammanstall", example).status_code == 200
    assert asked == [0, 1]
    # runs in a thread (scripts.run_in_thread): holding the queue would stop every Kontrollera
    assert post(client, "skicka_till_styrgruppen", example).status_code == 200
    assert asked == [0, 1]
