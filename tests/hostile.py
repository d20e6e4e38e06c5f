#!/usr/bin/env python3
"""tests/hostile.py: hostile, corrupt and odd archives for the restore tests.

Standard library only.  The first argument picks what to do:

  tar|gnutar|tgz|txz|zip|cpio OUT ENTRY...
        an archive holding ENTRY... in that order (tar and tgz are pax;
        gnutar is GNU format, names as raw bytes; cpio is SVR4 newc)
  claim OUT NAME SIZE
        a tar whose only header says NAME holds SIZE bytes, then 512 bytes
        of data and no end: the header lies about what follows
  bomb-tgz OUT MIB / bomb-zip OUT MIB
        one file of MIB MiB of zeros, deflated (about 1000:1), made
        without ever holding the zeros
  random OUT N          N pseudo-random bytes (K or M suffix allowed)
  cut IN OUT FRACTION   the first FRACTION (0.5) of IN
  tar-badsum OUT        three files; the second header's checksum is wrong
  tgz-flip OUT          a tar.gz whose deflate data is invalid mid-stream
  zip-badcrc OUT        a zip whose stored 'checked.txt' fails its CRC
  zip-badcd OUT         a zip whose central directory is damaged
  sqlite-garble IN OUT [header]
        IN with every page after the first replaced by garbage (header:
        everything after the 100-byte header)
  -     read such commands from standard input, one a line, split like a
        shell would (quotes, backslashes, '#' starts a comment): one start
        of python for all the archives of a scenario

ENTRY is TYPE:NAME, with NAME the path exactly as stored (nothing is
stripped or normalised):
  d:NAME            directory, 0755
  f:NAME            regular file 0644 holding "NAME\\n"
  fSIZE:NAME        regular file of SIZE bytes (K or M suffix allowed),
                    incompressible and deterministic
  F:NAME<PATH       regular file holding the bytes of the file PATH
  mMODE:NAME        regular file holding "NAME\\n", with octal MODE (m4755:
                    setuid)
  l:NAME>TARGET     symbolic link
  h:NAME>TARGET     hard link (tar only)
  c:NAME b:NAME     character / block device (1, 3)
  p:NAME            FIFO
"""
import gzip
import io
import random
import shlex
import stat
import struct
import sys
import tarfile
import time
import warnings
import zipfile
import zlib

MTIME = 1700000000  # 2023-11-14: fixed, so archives are reproducible


def die(msg):
    sys.stderr.write("hostile.py: %s\n" % msg)
    sys.exit(2)


def size_arg(text):
    mult = 1
    if text[-1:] in ("K", "k"):
        mult, text = 1024, text[:-1]
    elif text[-1:] in ("M", "m"):
        mult, text = 1024 * 1024, text[:-1]
    return int(text) * mult


def noise(n, seed):
    return random.Random(seed).randbytes(n)


class Entry:
    """One parsed ENTRY argument."""

    def __init__(self, spec):
        kind, sep, rest = spec.partition(":")
        if not sep or not rest:
            die("bad entry '%s'" % spec)
        self.kind = kind[0]
        self.name = rest
        self.target = None
        self.data = b""
        self.mode = 0o644
        if self.kind in ("l", "h"):
            self.mode = 0o777 if self.kind == "l" else 0o644
            self.name, sep, self.target = rest.partition(">")
            if not sep:
                die("link entry '%s' needs NAME>TARGET" % spec)
        elif self.kind == "F":
            self.name, sep, path = rest.partition("<")
            with open(path, "rb") as f:
                self.data = f.read()
            self.kind = "f"
        elif self.kind == "f":
            if len(kind) > 1:
                self.data = noise(size_arg(kind[1:]), self.name)
            else:
                self.data = (self.name + "\n").encode()
        elif self.kind == "m":
            self.mode = int(kind[1:], 8)
            self.data = (self.name + "\n").encode()
            self.kind = "f"
        elif self.kind == "d":
            self.mode = 0o755
        elif self.kind in ("c", "b", "p"):
            self.mode = 0o666
        else:
            die("unknown entry type in '%s'" % spec)


TAR_TYPES = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE,
             "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE,
             "c": tarfile.CHRTYPE, "b": tarfile.BLKTYPE,
             "p": tarfile.FIFOTYPE}


def tarinfo(e):
    ti = tarfile.TarInfo(e.name)
    ti.type = TAR_TYPES[e.kind]
    ti.mode = e.mode
    ti.mtime = MTIME
    ti.uname = ti.gname = "root"
    if e.target is not None:
        ti.linkname = e.target
    if e.kind in ("c", "b"):
        ti.devmajor, ti.devminor = 1, 3
    if e.kind == "f":
        ti.size = len(e.data)
    return ti


def write_tar(out, entries, mode="w", fmt=tarfile.PAX_FORMAT):
    # tarfile strips nothing from names given through addfile
    where = {"fileobj": out} if hasattr(out, "write") else {"name": out}
    with tarfile.open(mode=mode, format=fmt, encoding="utf-8",
                      **where) as tf:
        for e in entries:
            ti = tarinfo(e)
            tf.addfile(ti, io.BytesIO(e.data) if e.kind == "f" else None)


def write_zip(out, entries):
    warnings.filterwarnings("ignore", "Duplicate name")  # wanted here
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for e in entries:
            name = e.name
            zi = zipfile.ZipInfo(name, time.gmtime(MTIME)[:6])
            zi.create_system = 3  # Unix: external_attr holds st_mode
            if e.kind == "d":
                if not name.endswith("/"):
                    zi.filename = name + "/"
                zi.external_attr = ((stat.S_IFDIR | e.mode) << 16) | 0x10
                data = b""
            elif e.kind == "l":
                zi.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = e.target.encode()
            elif e.kind == "f":
                zi.external_attr = (stat.S_IFREG | e.mode) << 16
                data = e.data
            else:
                die("zip holds files, directories and symlinks only")
            zf.writestr(zi, data)


CPIO_TYPES = {"f": stat.S_IFREG, "d": stat.S_IFDIR, "l": stat.S_IFLNK,
              "c": stat.S_IFCHR, "b": stat.S_IFBLK, "p": stat.S_IFIFO}


def cpio_pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def cpio_record(ino, mode, nlink, data, name, rdev=(0, 0)):
    bname = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, MTIME, len(data), 0, 0,
              rdev[0], rdev[1], len(bname), 0)
    head = b"070701" + b"".join(b"%08X" % v for v in fields)
    return head + bname + cpio_pad(len(head) + len(bname)) + data + \
        cpio_pad(len(data))


def write_cpio(out, entries):
    with open(out, "wb") as f:
        for ino, e in enumerate(entries, 1):
            if e.kind == "h":
                die("cpio hard links are not supported here")
            data = e.target.encode() if e.kind == "l" else e.data
            mode = CPIO_TYPES[e.kind] | (0o777 if e.kind == "l" else e.mode)
            rdev = (1, 3) if e.kind in ("c", "b") else (0, 0)
            nlink = 2 if e.kind == "d" else 1
            f.write(cpio_record(ino, mode, nlink, data, e.name, rdev))
        f.write(cpio_record(0, 0, 1, b"", "TRAILER!!!"))


def deflate_zeros(head, mib, tail):
    """Raw deflate of head + mib MiB of zeros + tail, and its CRC-32 and
    length.  The zeros are compressed once per MiB after a full flush,
    which makes every MiB's output the same bytes: repeated, not redone,
    so a 100 MiB bomb takes no time and no memory to make."""
    chunk = bytes(1024 * 1024)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(head)
    if mib:
        one = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        if one != again:
            die("deflate_zeros: zlib output is not repeatable")
        out.append(one * mib)
        for _ in range(mib):
            crc = zlib.crc32(chunk, crc)
    out.append(c.compress(tail) + c.flush())
    crc = zlib.crc32(tail, crc)
    return b"".join(out), crc, len(head) + mib * len(chunk) + len(tail)


def bomb_tgz(out, mib):
    ti = tarfile.TarInfo("zeros.bin")
    ti.size, ti.mtime, ti.mode = mib * 1024 * 1024, MTIME, 0o644
    head = ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    data, crc, n = deflate_zeros(head, mib, bytes(1024))
    with open(out, "wb") as f:
        f.write(struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, 0, MTIME, 2, 3))
        f.write(data)
        f.write(struct.pack("<II", crc, n & 0xFFFFFFFF))


def bomb_zip(out, mib):
    name = b"zeros.bin"
    data, crc, n = deflate_zeros(b"", mib, b"")
    dostime, dosdate = 0, (2023 - 1980) << 9 | 11 << 5 | 14
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dostime,
                        dosdate, crc, len(data), n, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0,
                          8, dostime, dosdate, crc, len(data), n, len(name),
                          0, 0, 0, 0, (stat.S_IFREG | 0o644) << 16,
                          0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(data), 0)
    with open(out, "wb") as f:
        f.write(local + data + central + end)


def claim(out, name, size):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode = size, MTIME, 0o644
    with open(out, "wb") as f:
        f.write(ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        f.write(noise(512, name))


def three_files():
    return [Entry("f64K:one.bin"), Entry("f64K:two.bin"),
            Entry("f64K:three.bin")]


def tar_badsum(out):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w",
                      format=tarfile.USTAR_FORMAT) as tf:
        for e in three_files():
            tf.addfile(tarinfo(e), io.BytesIO(e.data))
    data = bytearray(buf.getvalue())
    second = 512 + 64 * 1024  # one.bin's header and data come first
    if data[second:second + 7] != b"two.bin":
        die("tar-badsum: unexpected layout")
    data[second + 148:second + 156] = b"0000001\0"  # chksum field
    with open(out, "wb") as f:
        f.write(data)


def tgz_flip(out):
    buf = io.BytesIO()
    write_tar(buf, three_files())
    tar = buf.getvalue()
    half = len(tar) // 2
    # two gzip members; the second one's first deflate block has the
    # reserved block type 3, which every inflater refuses
    second = bytearray(gzip.compress(tar[half:], mtime=MTIME))
    second[10] = 0x07
    with open(out, "wb") as f:
        f.write(gzip.compress(tar[:half], mtime=MTIME) + second)


def zip_badcrc(out):
    marker = b"THIS-DATA-IS-CHECKED-BY-CRC32 " * 8
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("first.txt", b"first\n")
        zf.writestr("checked.txt", marker)
        zf.writestr("last.txt", b"last\n")
    data = bytearray(buf.getvalue())
    at = data.find(marker)
    if at < 0:
        die("zip-badcrc: marker not found")
    data[at + 10] ^= 0x20
    with open(out, "wb") as f:
        f.write(data)


def zip_badcd(out):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for e in three_files():
            zf.writestr(e.name, e.data)
    data = bytearray(buf.getvalue())
    eocd = data.rfind(b"PK\x05\x06")
    cd_off = struct.unpack_from("<I", data, eocd + 16)[0]
    second = data.find(b"PK\x01\x02", cd_off + 4)
    if data[cd_off:cd_off + 4] != b"PK\x01\x02" or second < 0:
        die("zip-badcd: unexpected layout")
    # the second record's signature: libarchive reports it.  (A central
    # directory that is garbage from its first byte reads as an empty
    # archive, with no error, in libarchive 3.6.)
    data[second:second + 4] = b"XXXX"
    with open(out, "wb") as f:
        f.write(data)


def sqlite_garble(src, out, header_only):
    with open(src, "rb") as f:
        data = f.read()
    if data[:16] != b"SQLite format 3\0":
        die("%s is not a SQLite database" % src)
    if header_only:
        keep = 100
    else:
        keep = struct.unpack_from(">H", data, 16)[0]
        keep = 65536 if keep == 1 else keep
    if len(data) <= keep:
        die("%s has a single page" % src)
    with open(out, "wb") as f:
        f.write(data[:keep] + noise(len(data) - keep, "sqlite garbage"))


def run(argv):
    if not argv:
        die("usage: hostile.py WHAT OUT ... (see the top of the file)")
    what = argv[0]
    args = argv[1:]
    if what != "-" and not args:
        die("%s: missing OUT" % what)
    if what in ("tar", "gnutar", "tgz", "txz", "zip", "cpio"):
        entries = [Entry(a) for a in args[1:]]
        if what == "tar":
            write_tar(args[0], entries)
        elif what == "gnutar":
            write_tar(args[0], entries, fmt=tarfile.GNU_FORMAT)
        elif what == "tgz":
            write_tar(args[0], entries, mode="w:gz")
        elif what == "txz":
            write_tar(args[0], entries, mode="w:xz")
        elif what == "zip":
            write_zip(args[0], entries)
        else:
            write_cpio(args[0], entries)
    elif what == "claim":
        claim(args[0], args[1], size_arg(args[2]))
    elif what == "bomb-tgz":
        bomb_tgz(args[0], int(args[1]))
    elif what == "bomb-zip":
        bomb_zip(args[0], int(args[1]))
    elif what == "random":
        with open(args[0], "wb") as f:
            f.write(noise(size_arg(args[1]), "random"))
    elif what == "cut":
        with open(args[0], "rb") as f:
            data = f.read()
        with open(args[1], "wb") as f:
            f.write(data[:int(len(data) * float(args[2]))])
    elif what == "tar-badsum":
        tar_badsum(args[0])
    elif what == "tgz-flip":
        tgz_flip(args[0])
    elif what == "zip-badcrc":
        zip_badcrc(args[0])
    elif what == "zip-badcd":
        zip_badcd(args[0])
    elif what == "sqlite-garble":
        sqlite_garble(args[0], args[1], len(args) > 2 and args[2] == "header")
    elif what == "-":
        for line in sys.stdin:
            words = shlex.split(line, comments=True)
            if words:
                run(words)
    else:
        die("unknown '%s' (see the top of the file)" % what)


if __name__ == "__main__":
    run(sys.argv[1:])
