"""The task queue on the real broker, read directly by tests."""


class BrokerQueue:
    """The task queue on the configured broker (Redis or the filesystem transport), read directly."""

    def __init__(self, app):
        self.app = app
        self.name = app.conf.task_default_queue

    def purge(self) -> None:
        with self.app.connection_for_write() as connection:
            connection.default_channel.queue_purge(self.name)

    def take(self) -> list[tuple[str, tuple]]:
        """Remove the waiting messages and return (task name, args) for each."""
        taken = []
        with self.app.connection_for_read() as connection:
            channel = connection.default_channel
            while (message := channel.basic_get(queue=self.name, no_ack=True)) is not None:
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], tuple(args)))
        return taken
