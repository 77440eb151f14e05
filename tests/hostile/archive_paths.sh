#!/usr/bin/env bash
# archive_paths.sh - archive members that point outside the bundle: `../` and absolute paths in
# tar and zip, symlinks and hardlinks to outside files, device nodes and FIFOs, very long names,
# and an archive inside an archive. Each is skipped with a warning naming the member (or, for
# the nested archive, read as one opaque file), the real members around it are still analyzed,
# and nothing lands anywhere: the targets the names point at must not exist afterwards.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

top=vfio-bundle-h1-20261121T000000Z
real_bundle "$work/real/$top"
escape="$work/escaped"

python3 - "$work/real/$top" "$work/in" "$escape" <<'EOF'
import io, os, stat, sys, tarfile, zipfile
src, out, escape = sys.argv[1:4]
top = os.path.basename(src)
dmesg = open(os.path.join(src, 'cmd/dmesg'), 'rb').read()
lspci = open(os.path.join(src, 'cmd/lspci-nnkvv'), 'rb').read()

def reg(t, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    t.addfile(ti, io.BytesIO(data))

def special(t, name, kind, link=''):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = link
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        ti.devmajor, ti.devminor = 1, 3
    t.addfile(ti)

# traversal: relative escapes and absolute paths (pointing into this test's own directory)
with tarfile.open(os.path.join(out, 'traversal.tar.gz'), 'w:gz', format=tarfile.GNU_FORMAT) as t:
    reg(t, top + '/cmd/dmesg', dmesg)
    reg(t, '../../escaped-rel', dmesg)
    reg(t, top + '/cmd/../../../escaped-mid', dmesg)
    reg(t, escape + '-abs', dmesg)
    reg(t, top + '/cmd/lspci-nnkvv', lspci)

# links: symlinks and hardlinks to outside files, then a regular member through the link name
with tarfile.open(os.path.join(out, 'links.tar'), 'w', format=tarfile.GNU_FORMAT) as t:
    reg(t, top + '/cmd/dmesg', dmesg)
    special(t, top + '/proc/cmdline', tarfile.SYMTYPE, '/proc/cmdline')
    special(t, top + '/etc', tarfile.SYMTYPE, '../../../../../../tmp')
    reg(t, top + '/etc/escaped-via-symlink', dmesg)
    special(t, top + '/proc/version', tarfile.LNKTYPE, '/etc/passwd')
    special(t, top + '/proc/modules', tarfile.LNKTYPE, '../../../etc/shadow')
    reg(t, top + '/cmd/lspci-nnkvv', lspci)

# device nodes and FIFOs
with tarfile.open(os.path.join(out, 'devices.tar.xz'), 'w:xz', format=tarfile.GNU_FORMAT) as t:
    reg(t, top + '/cmd/dmesg', dmesg)
    special(t, top + '/proc/kcore', tarfile.CHRTYPE)
    special(t, top + '/sys/bus/pci/devices/0000:00:02.0/config', tarfile.BLKTYPE)
    special(t, top + '/cmd/lspci-tv', tarfile.FIFOTYPE)
    reg(t, top + '/cmd/lspci-nnkvv', lspci)

# very long names: a 4000-byte path (pax header), a 255-byte component, deep nesting
with tarfile.open(os.path.join(out, 'longnames.tar.gz'), 'w:gz', format=tarfile.PAX_FORMAT) as t:
    reg(t, top + '/cmd/dmesg', dmesg)
    reg(t, top + '/var/log/' + 'a' * 4000, dmesg)
    reg(t, top + '/etc/modprobe.d/' + 'b' * 250 + '.conf', b'options vfio-pci ids=10de:1b80\n')
    reg(t, top + '/' + '/'.join(['d'] * 40) + '/x', dmesg)
    reg(t, top + '/cmd/lspci-nnkvv', lspci)

# zip: traversal, absolute path, and a symlink member (Unix mode in the external attributes)
with zipfile.ZipFile(os.path.join(out, 'traversal.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(top + '/cmd/dmesg', dmesg)
    z.writestr('../../escaped-zip-rel', dmesg)
    z.writestr(escape + '-zip-abs', dmesg)
    zi = zipfile.ZipInfo(top + '/proc/cmdline')
    zi.create_system = 3
    zi.external_attr = (stat.S_IFLNK | 0o777) << 16
    z.writestr(zi, '/proc/cmdline')
    z.writestr(top + '/cmd/lspci-nnkvv', lspci)

# an archive inside an archive: the inner bundle is a member of the outer one
inner = io.BytesIO()
with tarfile.open(fileobj=inner, mode='w:gz') as t:
    reg(t, top + '/cmd/dmesg', dmesg)
    reg(t, '../../escaped-inner', dmesg)
with tarfile.open(os.path.join(out, 'nested.tar.gz'), 'w:gz') as t:
    reg(t, top + '/cmd/lspci-nnkvv', lspci)
    reg(t, top + '/cmd/dmesg', inner.getvalue())
    reg(t, top + '/inner.tar.gz', inner.getvalue())
EOF

in=$work/in
expect_warned traversal "'\.\.' in path" "$in/traversal.tar.gz"
grep -q "absolute path" "$work/res/traversal.err" || fail "traversal: absolute member not warned about"
expect_warned links "link" "$in/links.tar"
expect_warned devices "(device|FIFO|fifo|special|not a regular file)" "$in/devices.tar.xz"
expect_warned longnames "path too long" "$in/longnames.tar.gz"
expect_warned zip_traversal "'\.\.' in path" "$in/traversal.zip"
expect_clean nested "$in/nested.tar.gz"

# the real members were read in every case (the report lists cmd/dmesg or cmd/lspci-nnkvv)
for n in traversal links devices longnames zip_traversal nested; do
	grep -q 'cmd/lspci-nnkvv' "$work/res/$n.out" || fail "$n: the real member cmd/lspci-nnkvv was not analyzed"
done
# nothing escaped: none of the names the members point at exists
for f in "$escape-abs" "$escape-zip-abs" "$work/escaped-rel" "$work/escaped-mid" \
	"$work/escaped-zip-rel" "$work/escaped-inner" /tmp/escaped-via-symlink "$work/../escaped-rel"; do
	[ ! -e "$f" ] || fail "a member was written to $f"
done
finish
