#!/bin/sh
# Law 7, links: nothing is ever written through a symlink; a symlink is
# created only when it resolves inside the target through the archive's own
# entries; a hardlink may only point to a regular file restored earlier from
# the same archive.  Anything else is refused (exit 65, naming the entry)
# and nothing is written anywhere: the would-be victims in $T stay as they
# were.  Good symlinks (chains included) and hardlinks are restored as such.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

setup
mkdir -p x/y/empty arc victim outside
echo secret >outside/secret
echo outside >x/y/outside
# DIR = $T/x/y/target: '../outside' is $T/x/y/outside, '../../../victim'
# is $T/victim (empty, and must stay so).
hostile <<EOT
tar arc/passwd.tar f:good.txt l:passwd-link>/etc/passwd
tar arc/up.tar f:good.txt l:up-link>../../x
tar arc/chain.tar l:chain-a>chain-b l:chain-b>../..
tar arc/via-up.tar d:d l:d/up>.. l:d/esc>up/..
tar arc/through-abs.tar l:escape>$T/victim f:escape/file
tar arc/through-rel.tar f:good.txt l:escape2>../../../victim f:escape2/file
tar arc/through-dir.tar l:sub>$T/victim d:sub/inner f:sub/inner/file
tar arc/link-then-file.tar l:same>$T/victim/same-file f:same
zip arc/passwd.zip f:good.txt l:zip-link>/etc/passwd
zip arc/through.zip l:zesc>$T/victim f:zesc/file
cpio arc/through.cpio l:cesc>../../../victim f:cesc/file
tar arc/hl-missing.tar f:good.txt h:hl-missing>nothere
tar arc/hl-later.tar h:hl-later>later.txt f:later.txt
tar arc/hl-dir.tar d:adir h:hl-dir>adir
tar arc/hl-up.tar f:good.txt h:hl-up>../outside
tar arc/hl-abs.tar h:hl-abs>$T/outside/secret
tar arc/hl-sym.tar f:f.txt l:f-sym>f.txt h:hl-sym>f-sym
tar arc/good.tar d:docs d:docs/v2 f:docs/v2/readme.txt \
	l:docs/latest>v2/readme.txt l:a>b/c l:b>real d:real f:real/c \
	d:deep d:deep/er l:deep/er/top>../../docs \
	f:orig.txt h:copy.txt>orig.txt f:d/orig h:e/copy>d/orig
EOT

refused "symlink to /etc/passwd" passwd-link arc/passwd.tar
refused "symlink to '../../x'" up-link arc/up.tar "$T/x/y/empty"
refused "chain 'chain-a -> chain-b -> ../..'" chain- arc/chain.tar
# 'up/..' looks inside once normalised, but d/up is '..' itself
refused "symlink 'd/esc -> up/..' through 'd/up -> ..'" d/esc arc/via-up.tar

refused "file through a symlink to an absolute folder" escape \
	arc/through-abs.tar
refused "file through a symlink to '../../../victim'" escape2 \
	arc/through-rel.tar "$T/x/y/empty"
refused "folder and file through a symlink" sub arc/through-dir.tar
refused "symlink then a file of the same name" same arc/link-then-file.tar
refused "symlink to /etc/passwd in a zip" zip-link arc/passwd.zip
refused "file through a symlink in a zip" zesc arc/through.zip
refused "file through a symlink in a cpio" cesc arc/through.cpio \
	"$T/x/y/empty"
refused "file through a symlink from standard input" escape \
	"<arc/through-abs.tar"
eq "the victim folder is still empty" "$(ls -A victim)" ""

refused "hardlink to a missing file" hl-missing arc/hl-missing.tar
refused "hardlink to a file later in the archive" hl-later arc/hl-later.tar
refused "hardlink to a folder" hl-dir arc/hl-dir.tar "$T/x/y/empty"
refused "hardlink to '../outside'" hl-up arc/hl-up.tar
refused "hardlink to an absolute path" hl-abs arc/hl-abs.tar
refused "hardlink to a symlink" hl-sym arc/hl-sym.tar
eq "files outside keep one link each" \
	"$(stat -c %h outside/secret x/y/outside | tr '\n' ' ')" "1 1 "

mkdir good
restored "good links" arc/good.tar "$T/good/target"
cd "$T/good/target" 2>/dev/null || cd "$T"
eq "'docs/latest' restored as a symlink to 'v2/readme.txt'" \
	"$(readlink docs/latest)" v2/readme.txt
eq "... and reads as docs/v2/readme.txt" "$(cat docs/latest 2>&1)" \
	docs/v2/readme.txt
eq "chain 'a -> b/c', 'b -> real' restored as symlinks" \
	"$(readlink a) $(readlink b)" "b/c real"
eq "... and 'a' reads as real/c" "$(cat a 2>&1)" real/c
eq "'deep/er/top -> ../../docs' restored" "$(readlink deep/er/top)" \
	../../docs
eq "hardlink 'copy.txt' holds orig.txt" "$(cat copy.txt 2>&1)" orig.txt
eq "hardlink 'e/copy' holds d/orig" "$(cat e/copy 2>&1)" d/orig
check "regular files are not symlinks" test ! -L orig.txt -a -f orig.txt
cd "$T"

done_testing
