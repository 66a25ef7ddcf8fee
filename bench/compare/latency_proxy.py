#!/usr/bin/env python3
"""TCP proxy that adds a fixed delay to everything a client sends upstream.

bench/compare/run-compare.sh puts it between the S3 clients (zerofs, s3fs,
rclone) and radosgw so a local gateway answers like a remote bucket: each
chunk from the client is forwarded DELAY_MS after it arrived, so every HTTP
request (and every new connection's first bytes) waits DELAY_MS once, while
bytes keep flowing at full rate behind it (a pipe with latency, not a
throttle). Replies pass through undelayed. Stdlib only.

    latency_proxy.py LISTEN_PORT UPSTREAM_HOST:UPSTREAM_PORT [DELAY_MS]

Prints "listening PORT" on stdout once it accepts connections.
"""
import asyncio
import socket
import sys
import time

CHUNK = 256 * 1024


async def delayed_pump(reader, writer, delay):
    # The reader task stamps each chunk with its arrival time; the writer
    # task releases it at arrival + delay. Chunks that arrive while earlier
    # ones wait do not add up their delays.
    queue = asyncio.Queue()

    async def read_side():
        try:
            while True:
                data = await reader.read(CHUNK)
                await queue.put((time.monotonic() + delay, data))
                if not data:
                    return
        except (ConnectionError, asyncio.CancelledError):
            await queue.put((0.0, b""))

    task = asyncio.ensure_future(read_side())
    try:
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except ConnectionError:
        pass
    finally:
        task.cancel()


async def plain_pump(reader, writer):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except ConnectionError:
        pass


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: latency_proxy.py LISTEN_PORT UPSTREAM_HOST:PORT [DELAY_MS]")
    listen_port = int(sys.argv[1])
    up_host, up_port = sys.argv[2].rsplit(":", 1)
    delay = (float(sys.argv[3]) if len(sys.argv) == 4 else 20.0) / 1000.0

    async def handle(c_reader, c_writer):
        try:
            u_reader, u_writer = await asyncio.open_connection(up_host, int(up_port))
        except OSError as e:
            print(f"latency_proxy: cannot reach {up_host}:{up_port}: {e}", file=sys.stderr)
            c_writer.close()
            return
        for w in (c_writer, u_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await asyncio.gather(delayed_pump(c_reader, u_writer, delay),
                                 plain_pump(u_reader, c_writer))
        finally:
            for w in (c_writer, u_writer):
                w.close()

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", listen_port,
                                            reuse_address=True)
        print(f"listening {listen_port}", flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
