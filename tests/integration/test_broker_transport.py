"""portal.broker: kombu's Redis transport with the fault that stopped a busy worker on broker loss
worked around, and leases renewed for the messages a live worker holds. A private redis-server."""

import time

import pytest
from kombu import Connection, Exchange, Queue

from tests.integration.test_notifications_worker import PrivateRedis, wait_for

pytestmark = pytest.mark.integration

QUEUE = Queue("resilience", Exchange("resilience"), "resilience")


@pytest.fixture
def private_redis():
    import shutil

    from tests.integration.test_notifications_worker import skip_or_fail

    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _busy_channel_when_redis_dies(server: PrivateRedis, transport: str | None):
    """What a busy worker's consumer has when Redis goes away: a message taken and not acknowledged,
    and a BRPOP in flight. Redis then dies and Celery's consumer calls `collect()`."""
    conn = Connection(server.url, transport=transport)
    conn.Producer(channel=conn.channel()).publish(
        {"task": 1}, exchange=QUEUE.exchange, routing_key="resilience", declare=[QUEUE]
    )
    channel = conn.channel()
    assert QUEUE(channel).get(no_ack=False) is not None
    QUEUE(channel).consume(no_ack=False)
    channel.client.connection = channel.client.connection_pool.get_connection()
    channel._brpop_start(timeout=5)
    server.process.kill()
    server.process.wait()
    server.process = None
    conn.collect()
    return channel


def test_stock_transport_raises_the_fault_that_stopped_the_worker(private_redis):
    """If this starts failing, kombu fixed the fault and portal.broker may go."""
    channel = _busy_channel_when_redis_dies(private_redis, None)
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'hostname'"):
        channel.close()


def test_portal_transport_closes_the_channel_with_a_handled_error_or_none(private_redis):
    channel = _busy_channel_when_redis_dies(private_redis, "portal.broker:Transport")
    channel.close()  # neither the AttributeError nor anything else
    assert channel.closed


def test_a_held_message_is_not_handed_out_again_while_its_worker_renews_it(private_redis):
    options = {"visibility_timeout": 1, "unacked_restore_throttle": 1}
    holder = Connection(private_redis.url, transport="portal.broker:Transport", transport_options=options)
    holder.Producer(channel=holder.channel()).publish(
        {"task": 2}, exchange=QUEUE.exchange, routing_key="resilience", declare=[QUEUE]
    )
    channel = holder.channel()
    message = QUEUE(channel).get(no_ack=False)
    assert message is not None
    other = Connection(private_redis.url, transport="portal.broker:Transport", transport_options=options)
    other_channel = other.channel()

    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # three visibility timeouts, renewed by the holder throughout
        channel.qos.renew_leases()
        other_channel.qos.restore_visible(num=10, interval=1)
        assert QUEUE(other_channel).get(no_ack=False) is None, "handed out while its worker renewed it"
        time.sleep(0.2)  # the renewal period being measured, not a wait for a condition

    # The holder stops renewing (its worker died): the message comes back after the timeout.
    def handed_out():
        other_channel.qos.restore_visible(num=10, interval=1)
        return QUEUE(other_channel).get(no_ack=False) is not None

    assert wait_for(handed_out, timeout=10, interval=0.2)
    holder.release()
    other.release()
