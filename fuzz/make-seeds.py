#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/: small valid messages per
decoder, so the fuzzers start from inputs that pass the framing checks.
Deterministic: rerunning it rewrites the same files. nbd_fuzz's seeds live in
src/nbd/fuzz_corpus (written by hand). Usage: fuzz/make-seeds.py"""
import os
import shutil
import struct
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- XDR / ONC RPC (RFC 5531, RFC 1813) ----
def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def opaque(b):
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


def fh(ino, gen=1):
    # src/nfs/file_handle.h: version 1, 3 reserved bytes, inode, generation.
    return opaque(bytes([1, 0, 0, 0]) + u64(ino) + u64(gen))


def diropargs(ino, name):
    return fh(ino) + opaque(name)


def sattr3(mode=None, size=None):
    s = u32(1) + u32(mode) if mode is not None else u32(0)
    s += u32(0) + u32(0)  # uid, gid unchanged
    s += u32(1) + u64(size) if size is not None else u32(0)
    s += u32(1) + u32(2) + u32(1700000000) + u32(5)  # atime: server time; mtime: client time
    return s


AUTH_SYS = u32(1) + opaque(u32(42) + opaque(b"fuzzhost") + u32(1000) + u32(1000) + u32(2) +
                           u32(1000) + u32(27))
AUTH_NONE = u32(0) + opaque(b"")


def call(xid, prog, vers, proc, args, cred=AUTH_SYS):
    return u32(xid) + u32(0) + u32(2) + u32(prog) + u32(vers) + u32(proc) + cred + AUTH_NONE + args


def record(body, fragments=1):
    out = b""
    step = max(1, len(body) // fragments)
    parts = [body[i:i + step] for i in range(0, len(body), step)] or [b""]
    for i, p in enumerate(parts):
        last = 0x80000000 if i == len(parts) - 1 else 0
        out += u32(last | len(p)) + p
    return out


def nfs_seeds():
    NFS, MOUNT, PMAP = 100003, 100005, 100000
    root = 1
    procs = {
        "null": (0, b""),
        "getattr": (1, fh(root)),
        "setattr": (2, fh(7) + sattr3(0o644, 4096) + u32(1) + u32(1700000000) + u32(0)),
        "lookup": (3, diropargs(root, b"hello.txt")),
        "access": (4, fh(7) + u32(0x3f)),
        "readlink": (5, fh(9)),
        "read": (6, fh(7) + u64(4096) + u32(4096)),
        "write": (7, fh(7) + u64(0) + u32(11) + u32(2) + opaque(b"hello world")),
        "create": (8, diropargs(root, b"new") + u32(0) + sattr3(0o600)),
        "create_excl": (8, diropargs(root, b"excl") + u32(2) + b"verifier"),
        "mkdir": (9, diropargs(root, b"dir") + sattr3(0o755)),
        "symlink": (10, diropargs(root, b"ln") + sattr3(0o777) + opaque(b"target/path")),
        "mknod": (11, diropargs(root, b"fifo") + u32(7) + sattr3(0o644)),
        "remove": (12, diropargs(root, b"old")),
        "rmdir": (13, diropargs(root, b"dir")),
        "rename": (14, diropargs(root, b"a") + diropargs(5, b"b")),
        "link": (15, fh(7) + diropargs(root, b"hard")),
        "readdir": (16, fh(root) + u64(0) + b"\0" * 8 + u32(4096)),
        "readdirplus": (17, fh(root) + u64(3) + b"cookieve" + u32(1024) + u32(8192)),
        "fsstat": (18, fh(root)),
        "fsinfo": (19, fh(root)),
        "pathconf": (20, fh(root)),
        "commit": (21, fh(7) + u64(0) + u32(0)),
    }
    for i, (name, (proc, args)) in enumerate(procs.items()):
        write("nfs_fuzz", "nfs3-" + name, record(call(i + 1, NFS, 3, proc, args)))
    write("nfs_fuzz", "mount-mnt", record(call(1, MOUNT, 3, 1, opaque(b"/"))))
    write("nfs_fuzz", "mount-umnt-none", record(call(2, MOUNT, 3, 3, opaque(b"/"), AUTH_NONE)))
    write("nfs_fuzz", "mount-export", record(call(3, MOUNT, 3, 5, b"")))
    write("nfs_fuzz", "portmap-getport",
          record(call(4, PMAP, 2, 3, u32(NFS) + u32(3) + u32(6) + u32(0))))
    # One connection's worth: mount, then lookup + write in fragmented records.
    session = (record(call(1, MOUNT, 3, 1, opaque(b"/"))) +
               record(call(2, NFS, 3, 3, diropargs(root, b"f")), fragments=3) +
               record(call(3, NFS, 3, 7, procs["write"][1]), fragments=2))
    write("nfs_fuzz", "session", session)


# ---- 9P2000.L (little-endian: size[4] type[1] tag[2] body) ----
def l8(v):
    return struct.pack("<B", v)


def l16(v):
    return struct.pack("<H", v)


def l32(v):
    return struct.pack("<I", v)


def l64(v):
    return struct.pack("<Q", v)


def s9(b):
    return l16(len(b)) + b


def qid(t, path):
    return l8(t) + l32(0) + l64(path)


def frame(mtype, tag, body):
    return l32(7 + len(body)) + l8(mtype) + l16(tag) + body


def ninep_seeds():
    # An Rgetattr body (153 bytes), as Rreaddirplus entries and Rsetattrplus carry it.
    attr = (l64(0x7ff) + qid(0, 6) + l32(0o100644) + l32(1000) + l32(1000) + l64(1) + l64(0) +
            l64(5) + l64(4096) + l64(1) + l64(1) * 8 + l64(0) + l64(0))
    msgs = {
        "Tversion": (100, l32(8192) + s9(b"9P2000.L")),
        "Tauth": (102, l32(9) + s9(b"user") + s9(b"") + l32(1000)),
        "Tattach": (104, l32(0) + l32(0xFFFFFFFF) + s9(b"root") + s9(b"/") + l32(0)),
        "Tflush": (108, l16(3)),
        "Twalk": (110, l32(0) + l32(1) + l16(2) + s9(b"dir") + s9(b"file")),
        "Tread": (116, l32(1) + l64(4096) + l32(4096)),
        "Twrite": (118, l32(1) + l64(0) + l32(5) + b"hello"),
        "Tclunk": (120, l32(1)),
        "Tremove": (122, l32(1)),
        "Tstatfs": (8, l32(0)),
        "Tlopen": (12, l32(1) + l32(2)),
        "Tlcreate": (14, l32(0) + s9(b"new") + l32(0o102) + l32(0o644) + l32(1000)),
        "Tsymlink": (16, l32(0) + s9(b"ln") + s9(b"target") + l32(1000)),
        "Tmknod": (18, l32(0) + s9(b"fifo") + l32(0o10644) + l32(0) + l32(0) + l32(1000)),
        "Trename": (20, l32(1) + l32(0) + s9(b"renamed")),
        "Treadlink": (22, l32(2)),
        "Tgetattr": (24, l32(0) + l64(0x3fff)),
        "Tsetattr": (26, l32(1) + l32(0x7f) + l32(0o600) + l32(1) + l32(2) + l64(10) +
                     l64(1) + l64(2) + l64(3) + l64(4)),
        "Txattrwalk": (30, l32(1) + l32(2) + s9(b"user.x")),
        "Txattrcreate": (32, l32(1) + s9(b"user.x") + l64(3) + l32(0)),
        "Treaddir": (40, l32(0) + l64(0) + l32(8192)),
        "Tfsync": (50, l32(1) + l32(1)),
        "Tlock": (52, l32(1) + l8(1) + l32(0) + l64(0) + l64(100) + l32(42) + s9(b"host")),
        "Tgetlock": (54, l32(1) + l8(0) + l64(0) + l64(0) + l32(42) + s9(b"host")),
        "Tlink": (70, l32(0) + l32(1) + s9(b"hard")),
        "Tmkdir": (72, l32(0) + s9(b"d") + l32(0o755) + l32(1000)),
        "Trenameat": (74, l32(0) + s9(b"a") + l32(0) + s9(b"b")),
        "Tunlinkat": (76, l32(0) + s9(b"d") + l32(0x200)),
        "Rversion": (101, l32(8192) + s9(b"9P2000.L")),
        "Rlerror": (7, l32(2)),
        "Rattach": (105, qid(0x80, 1)),
        "Rwalk": (111, l16(2) + qid(0x80, 5) + qid(0, 6)),
        "Rlopen": (13, qid(0, 6) + l32(0)),
        "Rread": (117, l32(3) + b"abc"),
        "Rwrite": (119, l32(5)),
        "Rclunk": (121, b""),
        "Rreaddir": (41, l32(2 * 24 + 1 + 3) + qid(0x80, 1) + l64(1) + l8(4) + s9(b".") +
                     qid(0, 6) + l64(2) + l8(8) + s9(b"abc")),
        "Rgetattr": (25, l64(0x3fff) + qid(0, 6) + l32(0o100644) + l32(1000) + l32(1000) +
                     l64(1) + l64(0) + l64(5) + l64(4096) + l64(1) + l64(1) * 8 + l64(0) +
                     l64(0)),
        "Rstatfs": (9, l32(0x01021997) + l32(4096) + l64(100) + l64(50) + l64(50) + l64(10) +
                    l64(5) + l64(7) + l32(255)),
        # 9P2000.L.zerofs extensions (docs/protocol/9p2000l.md).
        "Treaddirplus": (150, l32(0) + l64(0) + l32(8192)),
        "Rreaddirplus": (151, l32(2 * (24 + len(attr)) + 1 + 3) + qid(0x80, 1) + l64(1) + l8(4) +
                         s9(b".") + l64(0) * 19 + b"\0" + qid(0, 6) + l64(2) + l8(8) +
                         s9(b"abc") + attr),
        "Tsetattrplus": (152, l32(1) + l32(0x7f) + l32(0o600) + l32(1) + l32(2) + l64(10) +
                         l64(1) + l64(2) + l64(3) + l64(4)),
        "Rsetattrplus": (153, attr),
        "Trenameat2": (154, l32(0) + s9(b"a") + l32(0) + s9(b"b") + l32(2)),
        "Rrenameat2": (155, attr + attr),
        "Tunlinkatplus": (156, l32(0) + s9(b"d") + l32(0x200)),
        "Runlinkatplus": (157, attr),
        "Tsession": (158, s9(bytes(range(16)))),
        "Rsession": (159, b""),
        "Treclaim": (160, l32(0) + l32(5) + l64(6)),
        "Rreclaim": (161, qid(0, 6)),
    }
    for i, (name, (t, body)) in enumerate(msgs.items()):
        write("ninep_fuzz", name, frame(t, i + 1, body))


# ---- crypto: codec byte || body; key file (docs/format/key_file.md) ----
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def codec_seeds():
    text = b"ZeroFS codec seed. " * 20
    write("codec_fuzz", "raw", b"\0" + b"plain bytes")
    write("codec_fuzz", "empty-raw", b"\0")
    # zstd frame with its content size recorded (the CLI records it for files).
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        with open(src, "wb") as f:
            f.write(text)
        z = subprocess.run(["zstd", "-q", "-c", "--no-check", src], check=True,
                           stdout=subprocess.PIPE).stdout
    write("codec_fuzz", "zstd", b"\1" + z)
    # LZ4 block by hand: "abcd" + match(offset 4, length 8) + literals "wxyz!".
    block = bytes([0x44]) + b"abcd" + struct.pack("<H", 4) + bytes([0x50]) + b"wxyz!"
    write("codec_fuzz", "lz4", b"\2" + struct.pack("<I", 17) + block)


def key_file_seeds():
    # Cheap KDF parameters so the fuzzer's full open (Argon2id) stays fast.
    header = (b"ZEROFSKF" + struct.pack("<H", 1) + b"\1" + struct.pack("<QQ", 1, 8192) +
              bytes(range(16)))
    body = header + bytes((i * 7) & 0xFF for i in range(72))
    write("key_file_fuzz", "v1-cheap", body + struct.pack("<I", crc32c(body)))
    header = (b"ZEROFSKF" + struct.pack("<H", 1) + b"\1" + struct.pack("<QQ", 3, 64 << 20) +
              bytes(16))
    body = header + bytes(72)
    write("key_file_fuzz", "v1-default", body + struct.pack("<I", crc32c(body)))


if __name__ == "__main__":
    for t in ("nfs_fuzz", "ninep_fuzz", "codec_fuzz", "key_file_fuzz"):
        shutil.rmtree(os.path.join(ROOT, t), ignore_errors=True)
    nfs_seeds()
    ninep_seeds()
    codec_seeds()
    key_file_seeds()
