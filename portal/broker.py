"""kombu's Redis transport with the fault that made a busy worker exit on broker loss worked around.

The fault (kombu 5.x, `kombu/transport/redis.py`): when Redis goes away while a channel has a BRPOP in
flight, Celery's consumer calls `Connection.collect()`. Closing that channel first reads the BRPOP
reply (`Channel.close` → `_brpop_read`), which raises a connection error *before* the channel is
really closed, so its unacknowledged messages are not restored. `collect()` then detaches the
transport (`transport.client = None`). When Celery closes the channel again while restarting its
bootsteps, the restore runs, needs a Redis connection, builds its parameters from
`self.connection.client.hostname` and raises
`AttributeError("'NoneType' object has no attribute 'hostname'")`. That is not one of the
transport's connection errors, so nothing catches it and the worker stops with "Unrecoverable
error". `tests/integration/test_broker_transport.py` reproduces it with the stock transport.

This channel (1) finishes closing when the pending BRPOP reply cannot be read, and (2) remembers the
connection parameters it was created with, so a restore that runs after the transport was detached
still reaches Redis, or, when Redis is still down, fails with a connection error that kombu and
Celery handle (the messages then stay in Redis's unacked set and come back after the visibility
timeout). Selected by `CELERY_BROKER_TRANSPORT` in settings for a `redis://` or `rediss://` broker.

It also renews the lease of the messages a live worker holds (3): Redis has no acknowledgements, so
kombu hands a message to another worker once it has been unacknowledged for `visibility_timeout`
seconds. The portal keeps that timeout short (a killed worker's tasks come back within a minute),
and a live worker refreshes the timestamps of the messages it still holds (running, prefetched, or
waiting for a retry's countdown) on every restore sweep, so only a dead worker's messages ever
reach the timeout.
"""

from time import monotonic, time

from kombu.transport import redis as kombu_redis
from kombu.transport.virtual import Empty
from redis.exceptions import ConnectionError as RedisConnectionError


class QoS(kombu_redis.QoS):
    def renew_leases(self) -> int:
        """Marks every message this channel still holds as delivered now; returns how many."""
        tags = [tag for tag in self._delivered if tag not in self._dirty]
        if not tags:
            return 0
        now = time()
        with self.channel.conn_or_acquire() as client:
            with client.pipeline() as pipe:
                for start in range(0, len(tags), 500):
                    # XX: only update members still there, so an ack racing with this is not undone.
                    chunk = tags[start : start + 500]
                    pipe.zadd(self.unacked_index_key, dict.fromkeys(chunk, now), xx=True)
                pipe.execute()
        return len(tags)


class MultiChannelPoller(kombu_redis.MultiChannelPoller):
    _renewed_at = 0.0

    def maybe_restore_messages(self):
        # Called every `unacked_restore_interval` seconds by the event loop, and on every empty poll
        # of a synchronous consumer: renew at most once a second.
        if monotonic() - self._renewed_at >= 1:
            self._renewed_at = monotonic()
            for channel in self._channels:
                renew = getattr(channel.qos, "renew_leases", None)  # absent without ack emulation
                try:
                    if renew is not None:
                        renew()
                except channel.connection_errors:
                    pass  # the broker is down; the consumer reconnects on its own
        return super().maybe_restore_messages()


class Channel(kombu_redis.Channel):
    QoS = QoS
    _saved_connparams: dict | None = None

    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or transport.client is None:
            saved = (self._saved_connparams or {}).get(asynchronous)
            if saved is None:
                raise RedisConnectionError("The broker connection was closed")
            return dict(saved)
        params = super()._connparams(asynchronous=asynchronous)
        if self._saved_connparams is None:
            self._saved_connparams = {}
        self._saved_connparams[asynchronous] = dict(params)
        return params

    def close(self):
        if self._in_poll:
            try:
                self._brpop_read()
            except Empty:
                pass
            except self.connection_errors:
                # The broker is gone: there is no reply to wait for. Go on closing (which restores
                # the unacknowledged messages, or tries to) instead of leaving the channel half open.
                self._in_poll = None
        super().close()


class Transport(kombu_redis.Transport):
    Channel = Channel

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = MultiChannelPoller()
