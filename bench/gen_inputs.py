#!/usr/bin/env python3
"""gen_inputs.py - build the benchmark inputs of bench/run.sh in a scratch directory, from the
repository's samples and knowledge and the shared real corpus. Nothing here is committed: every
input is made at run time from real text (linuxhw kernel logs and lspci, seed 001, the sample
pastes, the knowledge files' catalog examples).

usage: gen_inputs.py OUT_DIR [--cases N] [--big-mb M] [--scale 1,10,100]

OUT_DIR/
  patterns.txt            every knowledge pattern clause, one per line (pcre2grep -f)
  typical/bundle.tar.gz   samples/pve-gpu-bar3-efifb packed as collect packs a bundle
  big/dmesg.txt           the linuxhw kernel logs concatenated, repeated to --big-mb MB
  scale/<M>/dmesg-<k>.txt the same text at each size of --scale, in files of at most 25 MB
                          (common/limits.h caps one input at 64 MB)
  pastes/NNN-<name>       100 small loose pastes: seed 001 and the samples' loose files
  corpus/cNNNN/           --cases cases for `analyze corpus`: bundle.tar.gz (a linuxhw
                          background, cmd/dmesg + cmd/lspci-nnkvv, with one catalog failure
                          example appended to the log, or none) and expected.json
"""
import argparse
import gzip
import io
import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("VD_SHARED_DIR", os.path.join(os.path.dirname(REPO), "shared"))
LINUXHW = os.path.join(SHARED, "corpus", "linuxhw")
SKIP = {"expected.json", "SOURCES.md", "README.md"}
PART_MAX = 25 * 1000 * 1000
TIME = 1735689600  # 2025-01-01T00:00:00Z: fixed mtimes, so archives are reproducible


def read(path):
    with open(path, "rb") as f:
        return f.read()


def knowledge():
    kdir = os.path.join(REPO, "knowledge")
    for name in sorted(os.listdir(kdir)):
        if name.endswith(".json"):
            with open(os.path.join(kdir, name)) as f:
                yield json.load(f)


def write_patterns(out):
    pats = []
    for sig in knowledge():
        for cl in sig.get("clauses", []):
            if cl.get("type") == "pattern" and cl.get("pattern"):
                pats.append(("(?i)" if cl.get("caseless") else "") + cl["pattern"])
    with open(os.path.join(out, "patterns.txt"), "w") as f:
        f.write("\n".join(pats) + "\n")
    return len(pats)


def tar_add(tf, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = TIME
    ti.mode = 0o644
    tf.addfile(ti, io.BytesIO(data))


def tar_dir(tf, top, root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, fn), root)
            if rel in SKIP:
                continue
            tar_add(tf, top + "/" + rel, read(os.path.join(dirpath, fn)))


def gz_tar(path, fill):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        fill(tf)
    with open(path, "wb") as f:
        f.write(gzip.compress(buf.getvalue(), compresslevel=6, mtime=TIME))


def backgrounds():
    """The linuxhw machines: (name, dmesg bytes, lspci bytes), in directory order."""
    out = []
    for name in sorted(os.listdir(LINUXHW)):
        d = os.path.join(LINUXHW, name)
        if os.path.isfile(os.path.join(d, "dmesg.txt")) and os.path.isfile(
                os.path.join(d, "lspci.txt")):
            out.append((name, read(os.path.join(d, "dmesg.txt")), read(os.path.join(d,
                                                                                "lspci.txt"))))
    if not out:
        sys.exit("gen_inputs: no linuxhw corpus under '%s' (set VD_SHARED_DIR)" % LINUXHW)
    return out


def log_text(nbytes, bgs):
    """The linuxhw kernel logs concatenated, repeated and cut at a line end to nbytes."""
    unit = b"".join(d if d.endswith(b"\n") else d + b"\n" for _, d, _ in bgs)
    reps = nbytes // len(unit) + 1
    text = (unit * reps)[:nbytes]
    return text[:text.rfind(b"\n") + 1]


def write_logs(path_dir, mb, bgs):
    os.makedirs(path_dir, exist_ok=True)
    total = mb * 1000 * 1000
    k = 0
    while total > 0:
        n = min(total, PART_MAX)
        with open(os.path.join(path_dir, "dmesg-%d.txt" % k), "wb") as f:
            f.write(log_text(n, bgs))
        total -= n
        k += 1


def write_pastes(out, n):
    """seed 001 and every loose file of the samples smaller than 32 KB, cycled to n files."""
    src = [os.path.join(SHARED, "seeds", s) for s in sorted(os.listdir(os.path.join(SHARED,
                                                                                     "seeds")))
           if s.startswith("001_")]
    sdir = os.path.join(REPO, "samples")
    for case in sorted(os.listdir(sdir)):
        cdir = os.path.join(sdir, case)
        if os.path.exists(os.path.join(cdir, "manifest.json")):
            continue  # an unpacked bundle, not a paste
        for fn in sorted(os.listdir(cdir)):
            p = os.path.join(cdir, fn)
            if fn not in SKIP and os.path.isfile(p) and os.path.getsize(p) < 32 * 1024:
                src.append(p)
    pdir = os.path.join(out, "pastes")
    os.makedirs(pdir, exist_ok=True)
    for i in range(n):
        p = src[i % len(src)]
        name = "%03d-%s" % (i, os.path.basename(p).replace(":", "_")[:60])
        with open(os.path.join(pdir, name), "wb") as f:
            f.write(read(p))
    return len(src)


def failure_examples():
    """(cause id, lines) of every positive knowledge test whose only input is a kernel log."""
    ex = []
    for sig in knowledge():
        if sig.get("relevant_when"):
            continue
        for t in sig.get("tests", {}).get("positive", []):
            ins = t.get("inputs", [])
            if len(ins) == 1 and ins[0].get("kind") == "kernel_log" and ins[0].get("lines"):
                ex.append((sig["id"], [l.encode() for l in ins[0]["lines"]]))
    return ex


def write_corpus(out, n, bgs):
    ex = failure_examples()
    cdir = os.path.join(out, "corpus")
    os.makedirs(cdir, exist_ok=True)
    for i in range(n):
        name, dmesg, lspci = bgs[i % len(bgs)]
        # every (len(ex) + 1)-th choice is "no failure": a healthy background
        pick = (i // len(bgs)) % (len(ex) + 1)
        expected = {"description": "bench: linuxhw %s background" % name}
        if pick < len(ex):
            cause, lines = ex[pick]
            if not dmesg.endswith(b"\n"):
                dmesg += b"\n"
            dmesg = dmesg + b"\n".join(lines) + b"\n"
            expected["description"] += ", %s catalog example" % cause
            expected["expect"] = [{"id": cause}]
        else:
            expected["expect"] = []
            expected["max_severity"] = "warning"
        case = os.path.join(cdir, "c%04d" % i)
        os.makedirs(case, exist_ok=True)
        top = "vfio-bundle-bench%04d-20250101T000000Z" % i

        def fill(tf, top=top, dmesg=dmesg, lspci=lspci):
            tar_add(tf, top + "/cmd/dmesg", dmesg)
            tar_add(tf, top + "/cmd/lspci-nnkvv", lspci)

        gz_tar(os.path.join(case, "bundle.tar.gz"), fill)
        with open(os.path.join(case, "expected.json"), "w") as f:
            json.dump(expected, f, indent=1)
    return len(ex)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--big-mb", type=int, default=50)
    ap.add_argument("--scale", default="1,10,100")
    ap.add_argument("--pastes", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bgs = backgrounds()

    npat = write_patterns(a.out)
    os.makedirs(os.path.join(a.out, "typical"), exist_ok=True)
    sample = os.path.join(REPO, "samples", "pve-gpu-bar3-efifb")
    gz_tar(os.path.join(a.out, "typical", "bundle.tar.gz"),
           lambda tf: tar_dir(tf, "vfio-bundle-bench-20250101T000000Z", sample))
    write_logs(os.path.join(a.out, "big"), a.big_mb, bgs)
    for mb in [int(x) for x in a.scale.split(",") if x]:
        write_logs(os.path.join(a.out, "scale", str(mb)), mb, bgs)
    nsrc = write_pastes(a.out, a.pastes)
    nex = write_corpus(a.out, a.cases, bgs) if a.cases > 0 else 0
    print("gen_inputs: %d patterns, %d linuxhw backgrounds, %d paste sources, %d failure "
          "examples, %d corpus cases" % (npat, len(bgs), nsrc, nex, a.cases))


if __name__ == "__main__":
    main()
